import MBRLCore

/// Fits a `DynamicsEnsemble` to transitions: minibatch Adam or AdamW with weight decay, each
/// member on its own bootstrap resample, a validation split, early stopping with patience and a
/// relative-improvement threshold, the best weights of every member kept, and the elites chosen
/// by score (mbrl-lib's `ModelTrainer` with `get_basic_buffer_iterators`).
///
/// A fit:
/// 1. checks the data is finite, then fits the model's normalisers to all of it;
/// 2. shuffles the transitions once and holds out `validationRatio` of them (with 0, members
///    are scored on the training rows, as mbrl-lib does);
/// 3. draws each member's bootstrap resample of the training samples (transitions, or windows
///    of `multiStepLength` steps that stay inside an episode);
/// 4. runs epochs of shuffled minibatches (`batchSize` rows per member, all members in one
///    batched pass), scoring every member after each epoch by the mean squared error of its
///    mean prediction; a member whose score drops by more than `improvementThreshold`
///    (relative) keeps those weights as its best; after `patience` epochs in a row without any
///    member improving, training stops;
/// 5. restores each member's best weights and makes the `eliteCount` best members the elites.
///
/// Any NaN or infinity (in the data, a loss, a gradient or a score) throws
/// `MBRLError.nonFinite` naming where it appeared, and the model and the trainer keep the state
/// they had before the fit. The same generator state gives the same fit, bit for bit.
///
/// ```swift
/// var trainer = try ModelTrainer(config: ModelTrainerConfig(validationRatio: 0.1, epochs: 100, patience: 5))
/// var generator = RandomGenerator(seed: 0)
/// let result = try trainer.train(&model, on: buffer, generator: &generator) { epoch in
///     print(epoch.epoch, epoch.trainingLoss, epoch.validationScores)
/// }
/// print(result.elites, result.report)
/// ```
public struct ModelTrainer: Sendable, Equatable {
    /// The training settings.
    public let config: ModelTrainerConfig
    /// The optimiser, kept across fits (as mbrl-lib keeps its `torch.optim.Adam`).
    var optimizer: ModelOptimizer
    /// The number of fits completed.
    public internal(set) var fitCount: Int = 0

    /// A trainer with `config`.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a setting is out of range.
    public init(config: ModelTrainerConfig = ModelTrainerConfig()) throws {
        try config.validate()
        self.config = config
        self.optimizer = try ModelOptimizer(config: config)
    }

    /// The optimiser's step count and moments (for checkpoints).
    public var optimizerState: Adam.State {
        get { optimizer.state }
        set { optimizer.state = newValue }
    }

    // MARK: - Fitting

    /// Fits `model` to every transition in `buffer`; multi-step windows come from
    /// `buffer.sequenceStarts(length:)`, so they never cross an episode boundary.
    ///
    /// - Parameters:
    ///   - model: trained in place (unchanged when the fit throws).
    ///   - buffer: the real transitions.
    ///   - generator: the split, resamples, minibatch order.
    ///   - onEpoch: called after every epoch with its report.
    /// - Returns: every epoch's report, the scores and the elites.
    /// - Throws: `MBRLError.nonFinite`, `MBRLError.invalidArgument` (no data, no windows),
    ///   `MBRLError.shapeMismatch` (the buffer does not fit the model).
    @discardableResult
    public mutating func train(_ model: inout DynamicsEnsemble, on buffer: ReplayBuffer, generator: inout RandomGenerator,
                               onEpoch: (ModelTrainingEpoch) -> Void = { _ in }) throws -> ModelTrainingResult {
        let starts = config.multiStepLength > 1 ? buffer.sequenceStarts(length: config.multiStepLength) : nil
        return try train(&model, on: buffer.all(), sequenceStarts: starts, generator: &generator, onEpoch: onEpoch)
    }

    /// Fits `model` to `data` (transitions in time order).
    ///
    /// - Parameters:
    ///   - sequenceStarts: the rows that start a window of `multiStepLength` consecutive
    ///     transitions of one episode; when `nil`, every row whose window has no
    ///     `terminated` or `truncated` flag before its last step. Unused for the one-step loss.
    /// - See `train(_:on:generator:onEpoch:)` for the rest.
    @discardableResult
    public mutating func train(_ model: inout DynamicsEnsemble, on data: TransitionBatch, sequenceStarts: [Int]? = nil,
                               generator: inout RandomGenerator,
                               onEpoch: (ModelTrainingEpoch) -> Void = { _ in }) throws -> ModelTrainingResult {
        let savedOptimizer = optimizer
        do {
            var working = model
            let result = try fit(&working, data: data, sequenceStarts: sequenceStarts, generator: &generator, onEpoch: onEpoch)
            model = working
            fitCount += 1
            return result
        } catch {
            optimizer = savedOptimizer
            throw error
        }
    }

    // MARK: - The fit

    private mutating func fit(_ model: inout DynamicsEnsemble, data: TransitionBatch, sequenceStarts: [Int]?,
                              generator: inout RandomGenerator, onEpoch: (ModelTrainingEpoch) -> Void) throws -> ModelTrainingResult {
        try model.validateInputs(observations: data.observations, actions: data.actions)
        guard data.count > 0 else {
            throw MBRLError.invalidArgument("the model has no data to train on; collect at least one transition first")
        }
        try Self.checkFinite(data)
        try model.fitNormalizers(to: data)
        if !optimizerMatches(model) { optimizer.reset() }

        // MARK: Split and samples
        let count = data.count
        let permutation = generator.permutation(count: count)
        let validationCount = Int(Float(count) * config.validationRatio)
        let trainingRows = Array(permutation[..<(count - validationCount)])
        let validationRows = Array(permutation[(count - validationCount)...])
        let scoredRows = validationCount > 0 ? validationRows : trainingRows
        let steps = config.multiStepLength
        let samples: [Int]
        if steps == 1 {
            samples = trainingRows
        } else {
            var isTraining = [Bool](repeating: false, count: count)
            for row in trainingRows { isTraining[row] = true }
            let starts = sequenceStarts ?? Self.sequenceStarts(in: data, length: steps)
            samples = starts.filter { start in
                start >= 0 && start + steps <= count && (start ..< start + steps).allSatisfy { isTraining[$0] }
            }
            guard !samples.isEmpty else {
                throw MBRLError.invalidArgument(
                    "no window of \(steps) consecutive training transitions within one episode; lower training.multiStepLength or collect longer episodes")
            }
        }
        let members = model.ensembleSize
        let memberSamples: [[Int]] = (0..<members).map { _ in
            config.bootstrap
                ? generator.bootstrapIndices(count: samples.count).map { samples[$0] }
                : generator.permutation(count: samples.count).map { samples[$0] }
        }

        // MARK: Epochs
        var bestScores = try scores(of: model, data: data, rows: scoredRows, fit: fitCount, epoch: nil)
        let initialScores = bestScores
        var bestParameters = model.network.parameters
        var bestBounds = model.logVarianceBounds
        var epochs: [ModelTrainingEpoch] = []
        var epochsWithoutImprovement = 0
        var stoppedEarly = false
        for epoch in 0..<config.epochs {
            let order = generator.permutation(count: samples.count)
            var lossTotal = 0.0
            var batchCount = 0
            for batchStart in stride(from: 0, to: order.count, by: config.batchSize) {
                let slice = order[batchStart ..< min(batchStart + config.batchSize, order.count)]
                let memberStarts = memberSamples.map { own in slice.map { own[$0] } }
                let batch = try ModelTrainingBatch(gathering: data, memberStarts: memberStarts, stepCount: steps)
                var result = try model.lossAndGradients(for: batch)
                try checkFinite(result, model: model, epoch: epoch, batch: batchCount)
                if let maxNorm = config.maxGradientNorm {
                    try GradientClipping.clipByGlobalNorm(&result.gradients, maxNorm: maxNorm)
                }
                try optimizer.step(&model, gradients: result.gradients)
                lossTotal += Double(result.loss)
                batchCount += 1
            }
            let epochScores = try scores(of: model, data: data, rows: scoredRows, fit: fitCount, epoch: epoch)
            var improved = false
            let parameters = model.network.parameters
            for member in 0..<members {
                let best = bestScores[member]
                let relativeImprovement = best > 0 ? (best - epochScores[member]) / best : (epochScores[member] < best ? 1 : 0)
                if relativeImprovement > Double(config.improvementThreshold) {
                    improved = true
                    bestScores[member] = epochScores[member]
                    Self.copyMember(member, from: parameters, into: &bestParameters, memberCount: members)
                }
            }
            if improved {
                bestBounds = model.logVarianceBounds
                epochsWithoutImprovement = 0
            } else {
                epochsWithoutImprovement += 1
            }
            let report = ModelTrainingEpoch(fit: fitCount, epoch: epoch, trainingLoss: lossTotal / Double(max(batchCount, 1)),
                                            validationScores: epochScores, bestValidationScores: bestScores, improved: improved)
            epochs.append(report)
            onEpoch(report)
            if config.patience > 0 && epochsWithoutImprovement >= config.patience && epoch + 1 < config.epochs {
                stoppedEarly = true
                break
            }
        }

        // MARK: Best weights and elites
        let restored = bestParameters
        model.network.updateParameters { parameters in parameters = restored }
        model.logVarianceBounds = bestBounds
        let ranked = (0..<members).sorted { (bestScores[$0], $0) < (bestScores[$1], $1) }
        try model.setElites(Array(ranked.prefix(model.config.effectiveEliteCount)))
        return ModelTrainingResult(
            epochs: epochs, initialValidationScores: initialScores, bestValidationScores: bestScores,
            elites: model.elites, stoppedEarly: stoppedEarly, trainingSampleCount: samples.count,
            validationSampleCount: validationCount)
    }

    // MARK: - Pieces

    /// Whether the optimiser's moments fit the model's parameters (a new model resets them).
    private func optimizerMatches(_ model: DynamicsEnsemble) -> Bool {
        let moments = optimizer.state.firstMoments
        if moments.isEmpty { return true }
        let parameters = model.parameters
        return moments.count == parameters.count
            && zip(moments, parameters).allSatisfy { $0.rows == $1.rows && $0.columns == $1.columns }
    }

    /// Every member's score, checked to be finite.
    private func scores(of model: DynamicsEnsemble, data: TransitionBatch, rows: [Int], fit: Int, epoch: Int?) throws -> [Double] {
        let result = try model.memberScores(on: data, rows: rows)
        if let member = result.firstIndex(where: { !$0.isFinite }) {
            let when = epoch.map { "after epoch \($0)" } ?? "before training"
            throw MBRLError.nonFinite(
                "fit \(fit), \(when): the validation score of member \(member) is \(result[member]); the model keeps the weights it had before this fit")
        }
        return result
    }

    /// Throws `nonFinite` naming the first non-finite loss part or gradient.
    private func checkFinite(_ result: ModelLoss, model: DynamicsEnsemble, epoch: Int, batch: Int) throws {
        let place = "fit \(fitCount), epoch \(epoch), batch \(batch)"
        let keep = "the model keeps the weights it had before this fit"
        guard result.loss.isFinite else {
            throw MBRLError.nonFinite(
                "\(place): the loss is \(result.loss) (regression \(result.regressionLoss), termination \(result.terminationLoss), bound penalty \(result.boundPenalty)); \(keep)")
        }
        guard !result.gradients.allSatisfy(Self.isFinite) else { return }
        let names = model.parameterNames
        for (index, gradient) in result.gradients.enumerated() {
            if let (row, column, value) = gradient.firstNonFinite() {
                throw MBRLError.nonFinite(
                    "\(place): the gradient of \(index < names.count ? names[index] : "parameter \(index)") is \(value) at [\(row), \(column)]; \(keep)")
            }
        }
    }

    /// Whether every entry of `matrix` is finite: `x * 0` is 0 for a finite `x` and NaN for NaN
    /// or infinity, summed in independent lanes so the loop vectorises.
    static func isFinite(_ matrix: Matrix) -> Bool {
        matrix.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            var lanes = SIMD16<Float>()
            let whole = buffer.count / 16 * 16
            var index = 0
            while index < whole {
                lanes += raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Float>.stride, as: SIMD16<Float>.self) * 0
                index += 16
            }
            var rest: Float = 0
            while index < buffer.count {
                rest += buffer[index] * 0
                index += 1
            }
            return (lanes.sum() + rest).isFinite
        }
    }

    /// Throws `nonFinite` naming the first NaN or infinity in the data.
    static func checkFinite(_ data: TransitionBatch) throws {
        let parts: [(String, Matrix)] = [("observations", data.observations), ("actions", data.actions),
                                         ("next observations", data.nextObservations)]
        for (name, matrix) in parts {
            if let (row, column, value) = matrix.firstNonFinite() {
                throw MBRLError.nonFinite("training data: \(name) row \(row), column \(column) is \(value); the model was not changed")
            }
        }
        if let row = data.rewards.firstIndex(where: { !$0.isFinite }) {
            throw MBRLError.nonFinite("training data: reward of row \(row) is \(data.rewards[row]); the model was not changed")
        }
    }

    /// Rows starting a window of `length` rows with no termination or truncation before its last row.
    static func sequenceStarts(in data: TransitionBatch, length: Int) -> [Int] {
        guard length >= 1, data.count >= length else { return [] }
        var ends = [Bool](repeating: false, count: data.count)
        for row in 0..<data.count { ends[row] = data.terminated[row] || data.truncated[row] }
        return (0...(data.count - length)).filter { start in !(start ..< start + length - 1).contains { ends[$0] } }
    }

    /// Copies member `member`'s rows of every network parameter from `source` into `destination`
    /// (weights `[E * in, out]`: rows `member * in ..< (member + 1) * in`; biases `[E, out]`: row `member`).
    static func copyMember(_ member: Int, from source: [Matrix], into destination: inout [Matrix], memberCount: Int) {
        for index in source.indices {
            let rowsPerMember = source[index].rows / memberCount
            let width = source[index].columns
            let start = member * rowsPerMember * width, count = rowsPerMember * width
            source[index].withUnsafeBufferPointer { from in
                destination[index].withUnsafeMutableBufferPointer { to in
                    (to.baseAddress! + start).update(from: from.baseAddress! + start, count: count)
                }
            }
        }
    }
}
