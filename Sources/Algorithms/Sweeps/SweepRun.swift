/// One run of a sweep: a point with a seed, in its own run directory. Its `index` is its Slurm
/// array index.
///
/// ```swift
/// run.directory   // "runs/horizon=10/seed1", relative to the sweep directory
/// ```
public struct SweepRun: Sendable, Codable, Equatable {
    /// Position in the manifest, from 0 (points in order, each point's seeds in order).
    public var index: Int
    /// The point's index.
    public var point: Int
    /// The seed.
    public var seed: UInt64
    /// The run directory, relative to the sweep directory.
    public var directory: String

    public init(index: Int, point: Int, seed: UInt64, directory: String) {
        self.index = index
        self.point = point
        self.seed = seed
        self.directory = directory
    }
}
