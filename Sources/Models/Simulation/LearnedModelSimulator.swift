import MBRLCore

/// A learned model stepped one discrete action at a time, for tree search (MCTS/UCT): a node's
/// state is an observation row, each step is one batched prediction of one row, and the reward
/// comes from a known reward function or the model's reward head.
///
/// With an ensemble, `member` picks one member (the lecture's "one member of an ensemble");
/// `nil` uses the model's plain prediction (the expectation over members). Stochastic members
/// sample with the generator the search passes in.
///
/// ```swift
/// let simulator = try LearnedModelSimulator(model: model, actionSpace: .discrete(Discrete(count: 2)),
///                                           rewardFunction: environment.rewardFunction,
///                                           terminationFunction: environment.terminationFunction)
/// let next = try simulator.step(try simulator.rootState(for: observation), action: 1, generator: &generator)
/// ```
public struct LearnedModelSimulator<Model: DynamicsModel>: DiscreteSimulator {
    public typealias SimulationState = [Float]

    /// The model stepped.
    public let model: Model
    public let actionSpace: Space
    public let rewardFunction: (any RewardFunction)?
    public let terminationFunction: (any TerminationFunction)?
    /// The ensemble member used, or `nil` for the model's plain prediction.
    public let member: Int?

    /// Throws when the action space is not discrete, when there is no reward at all, or when
    /// `member` is not a member of the model.
    public init(model: Model, actionSpace: Space, rewardFunction: (any RewardFunction)?,
                terminationFunction: (any TerminationFunction)?, member: Int? = nil) throws {
        guard actionSpace.discrete != nil else {
            throw MBRLError.incompatible("tree search needs a discrete action space, got \(actionSpace)")
        }
        guard rewardFunction != nil || model.predictsRewards else {
            throw MBRLError.incompatible("the model has no reward head and no reward function was given")
        }
        if let member {
            guard let ensemble = model as? any EnsembleDynamicsModel, member >= 0, member < ensemble.memberCount else {
                throw MBRLError.invalidArgument("member \(member) is not a member of \(Model.self)")
            }
        }
        self.model = model
        self.actionSpace = actionSpace
        self.rewardFunction = rewardFunction
        self.terminationFunction = terminationFunction
        self.member = member
    }

    public var capabilities: PlanningCapabilities { [.discreteSimulation] }
    public var actionCount: Int { actionSpace.discrete?.count ?? 0 }

    public func rootState(for observation: [Float]) throws -> [Float] {
        guard observation.count == model.observationSize else {
            throw MBRLError.shapeMismatch("the model takes observations of \(model.observationSize) entries, got \(observation.count)")
        }
        return observation
    }

    public func step(_ state: [Float], action: Int, generator: inout RandomGenerator) throws -> SimulatedStep<[Float]> {
        let observations = Matrix(row: state)
        let actions = Matrix(row: [Float(action)])
        let prediction: ModelPrediction
        if let member, let ensemble = model as? any EnsembleDynamicsModel {
            prediction = try ensemble.predict(observations: observations, actions: actions, members: [member], generator: &generator)
        } else {
            prediction = try model.predict(observations: observations, actions: actions, generator: &generator)
        }
        let reward: Float
        if let rewardFunction {
            reward = rewardFunction.rewards(observations: observations, actions: actions, nextObservations: prediction.nextObservations)[0]
        } else if let rewards = prediction.rewards {
            reward = rewards[0]
        } else {
            throw MBRLError.incompatible("the model returned no reward and no reward function was given")
        }
        let terminated = terminationFunction?.terminations(observations: observations, actions: actions,
                                                           nextObservations: prediction.nextObservations)[0]
            ?? prediction.terminations?[0] ?? false
        return SimulatedStep(state: prediction.nextObservations.row(0), reward: reward.isFinite ? reward : -1e10, terminated: terminated)
    }
}
