import MBRLCore

/// An ensemble of neural dynamics models evaluated in one batched call: `E` multilayer
/// perceptrons of the same shape with separate weights (an `EnsembleMLP`), each mapping a
/// normalised `(observation, action)` row to a deterministic prediction or a Gaussian (mean and
/// soft-bounded log-variance), of the observation change (or the next observation), and
/// optionally the reward and a termination logit.
///
/// This is PETS' probabilistic ensemble (Chua et al., 2018) and mbrl-lib's `GaussianMLP` with
/// `OneDTransitionRewardModel` around it. After each fit the `eliteCount` members with the best
/// validation scores are the elites; every prediction uses only them, and the member indices of
/// `predict(observations:actions:members:generator:)` (trajectory sampling) number the elites.
///
/// - Plain `predict` is the expectation over the elites (a Gaussian ensemble samples from the
///   mean of the members' means with the mean of their variances).
/// - `predictiveDistribution` separates aleatoric variance (the mean predicted variance) from
///   epistemic variance (the variance of the members' means).
/// - `predictWithPullback` differentiates the mean prediction with respect to the inputs,
///   through the normalisation and the delta.
/// - `train(on:generator:)` fits the model with its `trainer` (see `ModelTrainer`);
///   `write(to:prefix:)` and `init(checkpoint:prefix:)` store and restore it exactly.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var model = try DynamicsEnsemble(config: DynamicsModelConfig(),       // 7 x 4 x 200, 5 elites
///                                  observationSize: 4, actionSpace: environment.actionSpace,
///                                  generator: &generator)
/// let report = try model.train(on: buffer, generator: &generator)
/// let prediction = try model.predict(observations: states, actions: actions,   // [B, 4], [B, 1]
///                                    members: memberOfEachRow, generator: &generator)
/// let evaluator = try ModelEnvironment(model: model, actionSpace: environment.actionSpace,
///                                      rewardFunction: reward, terminationFunction: termination)
/// ```
public struct DynamicsEnsemble: Sendable, Equatable {
    /// The settings the model was built with (`config.training` is the trainer's initial config).
    public let config: DynamicsModelConfig
    /// Entries per observation.
    public let observationSize: Int
    /// The actions the model takes (a discrete action is one entry holding the index and is
    /// one-hot encoded inside the model).
    public let actionSpace: Space
    /// The networks of all members: `[E * B, inputSize] -> [E * B, outputSize]`.
    public internal(set) var network: EnsembleMLP
    /// The soft log-variance bounds of a Gaussian model (`nil` for a deterministic one).
    public internal(set) var logVarianceBounds: LogVarianceBounds?
    /// Standardises `[observation, encoded action]` rows (the identity until fitted).
    public internal(set) var inputNormalizer: Normalizer
    /// Standardises the regression targets `[observation change, reward]` (the identity unless
    /// `normalizeOutputs`).
    public internal(set) var outputNormalizer: Normalizer
    /// The members used for prediction, in increasing order (all members until the first fit).
    public internal(set) var elites: [Int]
    /// The trainer `train(on:generator:)` uses, with its optimiser state.
    public var trainer: ModelTrainer

    /// The elites' networks, kept beside `network` so predictions run only the elites.
    var eliteNetwork: EnsembleMLP?
    /// Where each output lives in the network's output row.
    let layout: OutputLayout
    /// 1 for observation dimensions predicted as a change, 0 for those predicted directly.
    let deltaMask: [Float]

    /// A freshly initialised model. Member `e`'s weights come from the `e`-th child of
    /// `generator.split(count: ensembleSize)`, so members start independently.
    ///
    /// - Parameters:
    ///   - config: the architecture, heads and training settings.
    ///   - observationSize: entries per observation.
    ///   - actionSpace: the environment's action space.
    ///   - generator: draws the initial weights.
    /// - Throws: `MBRLError.invalidArgument` when a setting is out of range.
    public init(config: DynamicsModelConfig = DynamicsModelConfig(), observationSize: Int, actionSpace: Space,
                generator: inout RandomGenerator) throws {
        try config.validate(observationSize: observationSize)
        let layout = OutputLayout(observationSize: observationSize, hasReward: config.learnedReward,
                                  isGaussian: config.kind == .gaussian, hasTermination: config.learnedTermination)
        let inputSize = observationSize + actionSpace.encodedSize
        guard actionSpace.encodedSize >= 1 else {
            throw MBRLError.invalidArgument("dynamics model: the action space has no entries")
        }
        self.config = config
        self.observationSize = observationSize
        self.actionSpace = actionSpace
        self.layout = layout
        self.network = try EnsembleMLP(
            memberCount: config.ensembleSize, inputSize: inputSize, hiddenSizes: config.hiddenSizes,
            outputSize: layout.outputSize, activation: config.activation, outputActivation: .identity,
            initializer: config.initializer, generator: &generator)
        self.logVarianceBounds = config.kind == .gaussian
            ? try LogVarianceBounds(outputSize: layout.regressionSize, minLogVariance: config.minLogVariance,
                                    maxLogVariance: config.maxLogVariance)
            : nil
        self.inputNormalizer = Normalizer(featureCount: inputSize)
        self.outputNormalizer = Normalizer(featureCount: layout.regressionSize)
        self.elites = Array(0..<config.ensembleSize)
        self.trainer = try ModelTrainer(config: config.training)
        self.deltaMask = (0..<observationSize).map { dimension in
            config.targetIsDelta && !config.noDeltaDimensions.contains(dimension) ? 1 : 0
        }
        self.eliteNetwork = nil
        refreshEliteNetwork()
    }

    /// A freshly initialised model for a recipe: sizes from `context`, weights from
    /// `RandomGenerator(seed: context.seed)`.
    ///
    /// - Throws: `MBRLError.invalidArgument` when the observation space is not a box or a
    ///   setting is out of range.
    public init(config: DynamicsModelConfig = DynamicsModelConfig(), context: ModelBuildContext) throws {
        guard context.observationSpace.box != nil else {
            throw MBRLError.incompatible(
                "a neural dynamics model needs real-valued (box) observations; this environment's are \(context.observationSpace)")
        }
        var generator = RandomGenerator(seed: context.seed)
        try self.init(config: config, observationSize: context.observationSpace.flatSize,
                      actionSpace: context.actionSpace, generator: &generator)
    }

    // MARK: - Sizes

    /// Entries per action row (1 for a discrete action).
    public var actionSize: Int { actionSpace.flatSize }
    /// Columns of the network input: the observation and the encoded action.
    public var inputSize: Int { observationSize + actionSpace.encodedSize }
    /// The number of trained members, `E` (the elites are `memberCount` of them).
    public var ensembleSize: Int { network.memberCount }
    /// Whether the model predicts a Gaussian.
    public var isGaussian: Bool { layout.isGaussian }

    // MARK: - Elites

    /// Makes `members` (distinct indices into `0..<ensembleSize`) the elites used for prediction.
    ///
    /// - Throws: `MBRLError.invalidArgument` for an empty list, a repeated or out-of-range index.
    public mutating func setElites(_ members: [Int]) throws {
        guard !members.isEmpty else { throw MBRLError.invalidArgument("at least one elite member is needed") }
        guard Set(members).count == members.count else {
            throw MBRLError.invalidArgument("elite members must be distinct, got \(members)")
        }
        if let bad = members.first(where: { $0 < 0 || $0 >= ensembleSize }) {
            throw MBRLError.invalidArgument("elite member \(bad) does not exist; the ensemble has members 0..<\(ensembleSize)")
        }
        elites = members.sorted()
        refreshEliteNetwork()
    }

    /// Rebuilds the elites' network from `network` (after the weights or the elites change).
    mutating func refreshEliteNetwork() {
        eliteNetwork = elites.count == ensembleSize ? nil : Self.extract(members: elites, from: network)
    }

    /// The network that predictions run: the elites only.
    var predictionNetwork: EnsembleMLP {
        if elites.count == ensembleSize { return network }
        return eliteNetwork ?? Self.extract(members: elites, from: network)
    }

    /// An ensemble of the given members' weights.
    static func extract(members: [Int], from network: EnsembleMLP) -> EnsembleMLP {
        do {
            let mlps = try members.map { try network.member($0) }
            return try EnsembleMLP(members: mlps)
        } catch {
            preconditionFailure("extracting validated members \(members) failed: \(error)")
        }
    }

    // MARK: - Inputs

    /// Writes the normalised input rows `[observation, encoded action]` of `observations`
    /// (`[B, obs]`) and `actions` (`[B, act]`) to `destination`, row `r` to row
    /// `placement[r]` (or `r`); the destination holds `destinationRows` rows, all of which are
    /// normalised (padding rows included).
    func fillInputs(observations: Matrix, actions: Matrix, destination: UnsafeMutablePointer<Float>,
                    destinationRows: Int, placement: UnsafePointer<Int>? = nil) {
        let rows = observations.rows
        let width = inputSize, observationWidth = observationSize, actionWidth = actionSize
        if rows > 0 {
            observations.withUnsafeBufferPointer { observationBuffer in
                actions.withUnsafeBufferPointer { actionBuffer in
                    let observationBase = observationBuffer.baseAddress!
                    let actionBase = actionBuffer.baseAddress!
                    switch actionSpace {
                    case .box:
                        for row in 0..<rows {
                            let target = destination + (placement?[row] ?? row) * width
                            target.update(from: observationBase + row * observationWidth, count: observationWidth)
                            (target + observationWidth).update(from: actionBase + row * actionWidth, count: actionWidth)
                        }
                    case .discrete(let discrete):
                        for row in 0..<rows {
                            let target = destination + (placement?[row] ?? row) * width
                            target.update(from: observationBase + row * observationWidth, count: observationWidth)
                            let encoded = target + observationWidth
                            encoded.update(repeating: 0, count: discrete.count)
                            let index = Int(actionBase[row])
                            if index >= 0 && index < discrete.count && Float(index) == actionBase[row] { encoded[index] = 1 }
                        }
                    }
                }
            }
        }
        if config.normalizeInputs {
            inputNormalizer.normalizeInPlace(destination, rows: destinationRows, rowStride: width)
        }
    }

    /// Whether two models hold the same settings, weights, bounds, normalisers, elites and
    /// trainer state (the cached elite network is derived and not compared).
    public static func == (lhs: DynamicsEnsemble, rhs: DynamicsEnsemble) -> Bool {
        lhs.config == rhs.config && lhs.observationSize == rhs.observationSize && lhs.actionSpace == rhs.actionSpace
            && lhs.network == rhs.network && lhs.logVarianceBounds == rhs.logVarianceBounds
            && lhs.inputNormalizer == rhs.inputNormalizer && lhs.outputNormalizer == rhs.outputNormalizer
            && lhs.elites == rhs.elites && lhs.trainer == rhs.trainer
    }

    /// The normalised inputs `[B, in]` of `B` rows.
    func makeInputs(observations: Matrix, actions: Matrix) -> Matrix {
        var input = Matrix(rows: observations.rows, columns: inputSize)
        input.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            fillInputs(observations: observations, actions: actions, destination: base, destinationRows: observations.rows)
        }
        return input
    }
}
