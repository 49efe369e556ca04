import MBRLCore

/// A planning model that can step single transitions and describe the dynamics and the reward
/// locally (linear dynamics, quadratic reward) around any point, as iLQR and guided policy
/// search need. `ModelLinearization` builds one from any `DynamicsModel` and `RewardFunction`.
///
/// ```swift
/// let linearization = try ModelLinearization(model: PendulumDynamicsModel(), actionSpace: actionSpace,
///                                            rewardFunction: PendulumRewardFunction())
/// let (next, rewards) = try linearization.step(observations: states, actions: actions)        // [B, obs], [B]
/// let expansions = try linearization.expand(observations: states, actions: actions)         // B local models
/// ```
public protocol LinearizableModel: PlanningModel {
    /// The number of entries in an observation.
    var observationSize: Int { get }

    /// One step of every row: `[B, obs]`, `[B, act]` -> next observations `[B, obs]` and the
    /// rewards `[B]` of those transitions. Deterministic (the mean, for a stochastic model).
    func step(observations: Matrix, actions: Matrix) throws -> (nextObservations: Matrix, rewards: [Float])

    /// The local model at every row (`[B, obs]`, `[B, act]` -> `B` expansions).
    func expand(observations: Matrix, actions: Matrix) throws -> [LocalExpansion]

    /// The state a plan starts from for the observation a planner is given: the observation
    /// itself by default; a latent model's encoding of it (`LocallyLinearLatentPlanning`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the observation does not fit the model.
    func initialState(for observation: [Float]) throws -> [Float]
}

extension LinearizableModel {
    /// The observation itself, when it has `observationSize` entries.
    public func initialState(for observation: [Float]) throws -> [Float] {
        guard observation.count == observationSize else {
            throw MBRLError.shapeMismatch("got an observation of \(observation.count) entries for a model of \(observationSize)")
        }
        return observation
    }
}

/// The dynamics linearised and the reward expanded to second order at one point `(s, a)`:
///
///     s' ≈ f(s, a) + A ds + B da
///     R(s, a) ≈ R + g_sᵀ ds + g_aᵀ da + 1/2 dsᵀ H_ss ds + daᵀ H_as ds + 1/2 daᵀ H_aa da
///
/// where `R(s, a) = r(s, a, f(s, a))` is the step's reward as a function of the state and action
/// (its dependence on the next observation is folded in through `A` and `B`).
public struct LocalExpansion: Sendable, Equatable {
    /// `A = d s' / d s`, `[obs, obs]`.
    public var stateJacobian: Matrix
    /// `B = d s' / d a`, `[obs, act]`.
    public var actionJacobian: Matrix
    /// `g_s = dR / ds`, `[obs]`.
    public var rewardStateGradient: [Float]
    /// `g_a = dR / da`, `[act]`.
    public var rewardActionGradient: [Float]
    /// `H_ss`, `[obs, obs]`.
    public var rewardStateHessian: Matrix
    /// `H_as = d²R / da ds`, `[act, obs]`.
    public var rewardActionStateHessian: Matrix
    /// `H_aa`, `[act, act]`.
    public var rewardActionHessian: Matrix

    public init(stateJacobian: Matrix, actionJacobian: Matrix, rewardStateGradient: [Float], rewardActionGradient: [Float],
                rewardStateHessian: Matrix, rewardActionStateHessian: Matrix, rewardActionHessian: Matrix) {
        self.stateJacobian = stateJacobian
        self.actionJacobian = actionJacobian
        self.rewardStateGradient = rewardStateGradient
        self.rewardActionGradient = rewardActionGradient
        self.rewardStateHessian = rewardStateHessian
        self.rewardActionStateHessian = rewardActionStateHessian
        self.rewardActionHessian = rewardActionHessian
    }
}
