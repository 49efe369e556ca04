/// Something whose state goes into a run's binary checkpoint: models, policies, critics,
/// optimiser moments, learners and policy optimizers. Large arrays are written as binary
/// entries (`CheckpointWriter.add(name:matrix:)`), small settings as metadata, all under names
/// that start with `prefix`, so several components share one checkpoint file.
///
/// A resumed run reads every component back with `read(from:prefix:)` into a value built from
/// the same recipe, so `read` only restores state; it throws `MBRLError.fileFormat` or
/// `.shapeMismatch` naming the entry when the checkpoint was written for another shape.
///
/// ```swift
/// struct Counter: Checkpointable {
///     var count = 0
///     func write(to writer: inout CheckpointWriter, prefix: String) throws {
///         writer.add(name: "\(prefix).count", integers: [count])
///     }
///     mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
///         count = try checkpoint.integers(named: "\(prefix).count", shape: [1])[0]
///     }
/// }
/// var writer = CheckpointWriter()
/// try Counter(count: 3).write(to: &writer, prefix: "counter")
/// var restored = Counter()
/// try restored.read(from: try Checkpoint(data: try writer.encodedData()), prefix: "counter")
/// ```
public protocol Checkpointable {
    /// Adds the state to `writer` under names starting with `prefix`.
    func write(to writer: inout CheckpointWriter, prefix: String) throws

    /// Restores what `write` stored under `prefix`; throws when it is missing or of another shape.
    mutating func read(from checkpoint: Checkpoint, prefix: String) throws
}
