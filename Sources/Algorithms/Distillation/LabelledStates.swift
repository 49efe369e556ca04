import MBRLCore

/// The states one teacher labelled: observations `[N, obs]` and the teacher's label rows
/// `[N, labelSize]`, row for row (a task's replay memory in Rusu et al. 2015).
///
/// ```swift
/// var memory = LabelledStates()
/// try memory.append(observations: episode.observations, labels: teacher.labels(for: episode.observations))
/// ```
public struct LabelledStates: Sendable {
    /// `[N, obs]`.
    public private(set) var observations = Matrix(rows: 0, columns: 0)
    /// `[N, labelSize]`.
    public private(set) var labels = Matrix(rows: 0, columns: 0)

    /// An empty memory.
    public init() {}

    /// The number of labelled states.
    public var count: Int { observations.rows }

    /// Adds rows; throws `MBRLError.shapeMismatch` when the counts or widths differ.
    public mutating func append(observations newObservations: Matrix, labels newLabels: Matrix) throws {
        guard newObservations.rows == newLabels.rows else {
            throw MBRLError.shapeMismatch("one label row per observation row, got \(newLabels.rows) and \(newObservations.rows)")
        }
        if count == 0 {
            observations = newObservations
            labels = newLabels
            return
        }
        guard newObservations.columns == observations.columns, newLabels.columns == labels.columns else {
            throw MBRLError.shapeMismatch(
                "labelled states are \(observations.columns) + \(labels.columns) columns wide, got \(newObservations.columns) + \(newLabels.columns)")
        }
        observations = observations.concatenatedRows(newObservations)
        labels = labels.concatenatedRows(newLabels)
    }
}
