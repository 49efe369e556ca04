import MBRLCore

/// Settings of a distilled student: its family (set by its teachers' kind) and its network.
///
/// ```json
/// {"policy": "squashed-gaussian", "hiddenSizes": [32, 32], "activation": "relu"}
/// ```
public struct DistilledPolicyConfig: Sendable, Equatable {
    /// The student's family: `"squashed-gaussian"` (from SAC or MBPO teachers),
    /// `"diagonal-gaussian"` (from TRPO on `Box` actions) or `"categorical"` (from DQN, Dyna or
    /// TRPO on `Discrete` actions). Default `"squashed-gaussian"`.
    public var policy: DistillationTeacher.Kind
    /// The widths of the hidden layers (default [64, 64]).
    public var hiddenSizes: [Int]
    /// The activation of every hidden layer (default ReLU).
    public var activation: Activation
    /// How the weights are drawn before training (default Glorot uniform).
    public var initializer: WeightInitializer

    /// Settings with the documented defaults unless given.
    public init(policy: DistillationTeacher.Kind = .squashedGaussian, hiddenSizes: [Int] = [64, 64],
                activation: Activation = .relu, initializer: WeightInitializer = .glorotUniform) {
        self.policy = policy
        self.hiddenSizes = hiddenSizes
        self.activation = activation
        self.initializer = initializer
    }

    /// A one-line description of each key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "policy": "the student's family: \"squashed-gaussian\" (SAC/MBPO teachers), \"diagonal-gaussian\" (TRPO, Box actions) or \"categorical\" (DQN, Dyna, TRPO on Discrete actions)",
        "hiddenSizes": "widths of the student's hidden layers",
        "activation": "activation of every hidden layer",
        "initializer": "weight initialiser before training: \"glorot-uniform\" or \"truncated-normal\"",
    ]

    /// A freshly initialised student of this family for the spaces, as a policy optimizer.
    public func makeOptimizer(observationSpace: Space, actionSpace: Space, generator: inout RandomGenerator) throws -> any PolicyOptimizer {
        switch policy {
        case .squashedGaussian:
            return DistilledPolicy(policy: try SquashedGaussianMLPPolicy(
                config: .init(hiddenSizes: hiddenSizes, activation: activation, initializer: initializer),
                observationSpace: observationSpace, actionSpace: actionSpace, generator: &generator))
        case .diagonalGaussian:
            return DistilledPolicy(policy: try DiagonalGaussianMLPPolicy(
                config: .init(hiddenSizes: hiddenSizes, activation: activation, initializer: initializer),
                observationSpace: observationSpace, actionSpace: actionSpace, generator: &generator))
        case .categorical:
            return DistilledPolicy(policy: try CategoricalMLPPolicy(
                config: .init(hiddenSizes: hiddenSizes, activation: activation, initializer: initializer),
                observationSpace: observationSpace, actionSpace: actionSpace, generator: &generator))
        }
    }
}

extension DistilledPolicyConfig: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case policy, hiddenSizes, activation, initializer }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        policy = try container.decode(DistillationTeacher.Kind.self, forKey: .policy, default: defaults.policy)
        hiddenSizes = try PolicyConfigDecoding.hiddenSizes(container, .hiddenSizes, default: defaults.hiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation, default: defaults.activation)
        initializer = try container.decode(WeightInitializer.self, forKey: .initializer, default: defaults.initializer)
    }
}

extension DistilledPolicyConfig: DocumentedConfig {
    public static var defaults: Self { Self() }
}
