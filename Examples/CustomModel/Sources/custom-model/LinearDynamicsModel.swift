import MBRLCore

/// A linear model of one step's change, `s' - s = [s, a, 1] W`, fitted to all the data by ridge
/// regression (least squares with a small penalty on `W`). Near an operating point many tasks
/// are close to linear, and the fit is one small linear solve instead of epochs of gradient
/// descent.
///
/// Prediction is batched, one matrix product for all rows: `[B, obs]`, `[B, act] -> [B, obs]`.
/// `Codable` gives it checkpoints (`Checkpointable`'s default for `Codable` types), so runs with
/// it resume like runs with the built-in models.
///
/// ```swift
/// var model = try LinearDynamicsModel(config: .defaults, observationSize: 4, actionSize: 1)
/// _ = try model.train(on: buffer, generator: &generator)
/// let next = try model.predict(observations: obs, actions: act, generator: &generator).nextObservations
/// ```
struct LinearDynamicsModel: TrainableDynamicsModel, Codable {
    /// Recipe settings: every key optional, unknown keys rejected.
    struct Config: DocumentedConfig, Equatable {
        var ridge: Float = 1e-4

        init() {}
        static var defaults: Self { Self() }
        static let keyDescriptions = ["ridge": "the penalty on the squared weights, per transition"]
        enum CodingKeys: String, CodingKey, CaseIterable { case ridge }

        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            ridge = try container.decode(Float.self, forKey: .ridge, default: 1e-4, in: 0...1e3)
        }
    }

    let config: Config
    let observationSize: Int
    let actionSize: Int
    /// `W`, `[obs + act + 1, obs]`; zero (no change predicted) before the first fit.
    private(set) var weights: Matrix

    init(config: Config, observationSize: Int, actionSize: Int) throws {
        guard observationSize > 0, actionSize > 0 else {
            throw MBRLError.invalidArgument("a linear model needs observations and actions of at least one entry")
        }
        self.config = config
        self.observationSize = observationSize
        self.actionSize = actionSize
        weights = Matrix(rows: observationSize + actionSize + 1, columns: observationSize)
    }

    /// The rows `[s, a, 1]`, `[B, obs + act + 1]`.
    func features(observations: Matrix, actions: Matrix) -> Matrix {
        observations.concatenatedColumns(actions).concatenatedColumns(Matrix(rows: observations.rows, columns: 1, repeating: 1))
    }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        try validateInputs(observations: observations, actions: actions)
        let change = features(observations: observations, actions: actions).matmul(weights)
        return ModelPrediction(nextObservations: observations + change)
    }

    /// Solves `(XᵀX + ridge · n · I) W = XᵀY` for all the buffer's transitions, in `Double`.
    mutating func train(on buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ModelTrainingReport {
        guard !buffer.isEmpty else { throw MBRLError.invalidArgument("the linear model cannot be fitted to an empty buffer") }
        let batch = buffer.all()
        let inputs = features(observations: batch.observations, actions: batch.actions)
        let targets = batch.nextObservations - batch.observations
        guard inputs.isFinite, targets.isFinite else {
            throw MBRLError.nonFinite("the buffer holds observations or actions that are not finite")
        }
        var gram = inputs.matmul(inputs, transposeSelf: true, transposeOther: false)            // [F, F]
        let moments = inputs.matmul(targets, transposeSelf: true, transposeOther: false)        // [F, obs]
        for index in 0..<gram.rows { gram[index, index] += config.ridge * Float(batch.observations.rows) }
        weights = try Self.solve(gram, moments)
        let residual = inputs.matmul(weights) - targets
        let meanSquaredError = residual.values.reduce(0) { $0 + Double($1 * $1) } / Double(residual.count)
        return ModelTrainingReport(epochs: 1, trainingLoss: meanSquaredError, validationScore: nil)
    }

    /// `A⁻¹ B` by Gaussian elimination with partial pivoting, in `Double`.
    static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        let size = a.rows
        var left = (0..<size).map { row in (0..<size).map { Double(a[row, $0]) } }
        var right = (0..<size).map { row in (0..<b.columns).map { Double(b[row, $0]) } }
        for column in 0..<size {
            let pivot = (column..<size).max { abs(left[$0][column]) < abs(left[$1][column]) } ?? column
            guard abs(left[pivot][column]) > 1e-12 else {
                throw MBRLError.invalidArgument("the least-squares system is singular; raise the model's ridge")
            }
            left.swapAt(column, pivot)
            right.swapAt(column, pivot)
            for row in 0..<size where row != column {
                let factor = left[row][column] / left[column][column]
                if factor == 0 { continue }
                for k in column..<size { left[row][k] -= factor * left[column][k] }
                for k in 0..<b.columns { right[row][k] -= factor * right[column][k] }
            }
        }
        var solution = Matrix(rows: size, columns: b.columns)
        for row in 0..<size {
            for column in 0..<b.columns { solution[row, column] = Float(right[row][column] / left[row][row]) }
        }
        return solution
    }
}
