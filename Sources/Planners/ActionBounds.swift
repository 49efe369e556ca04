import MBRLCore

/// The box a continuous planner searches in: per-dimension action bounds, and the same bounds
/// tiled over a horizon for flat sequences `[H * A]`.
struct ActionBounds: Sendable, Equatable {
    /// Lower bounds of one action, `[A]`.
    let lower: [Float]
    /// Upper bounds of one action, `[A]`.
    let upper: [Float]

    /// The bounds of `space`; throws `MBRLError.incompatible` for a discrete or unbounded space,
    /// naming the planner.
    init(space: Space, planner: String) throws {
        guard let box = space.box else {
            throw MBRLError.incompatible(
                "planner \"\(planner)\" optimises continuous actions, but the action space is \(space); use \"mcts\" for discrete actions")
        }
        guard box.isBounded else {
            throw MBRLError.incompatible(
                "planner \"\(planner)\" needs finite action bounds, got \(box.lowerBound) ... \(box.upperBound); wrap the environment to rescale its actions")
        }
        guard zip(box.lowerBound, box.upperBound).allSatisfy({ $0 < $1 }) else {
            throw MBRLError.invalidArgument(
                "planner \"\(planner)\" needs every lower action bound below its upper bound, got \(box.lowerBound) ... \(box.upperBound)")
        }
        lower = box.lowerBound
        upper = box.upperBound
    }

    /// The number of entries in an action.
    var size: Int { lower.count }

    /// The middle of the box, `[A]` (mbrl-lib's initial solution).
    var middle: [Float] { zip(lower, upper).map { ($0 + $1) / 2 } }

    /// `lower` repeated `horizon` times, `[H * A]`.
    func tiledLower(horizon: Int) -> [Float] { Array([[Float]](repeating: lower, count: horizon).joined()) }

    /// `upper` repeated `horizon` times, `[H * A]`.
    func tiledUpper(horizon: Int) -> [Float] { Array([[Float]](repeating: upper, count: horizon).joined()) }

    /// `middle` repeated `horizon` times, `[H * A]`.
    func tiledMiddle(horizon: Int) -> [Float] { Array([[Float]](repeating: middle, count: horizon).joined()) }

    /// Clamps every row of `sequences` (`[N, H * A]`) into the bounds.
    func clamp(_ sequences: inout Matrix) {
        let width = size
        sequences.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let column = index % width
                buffer[index] = min(max(buffer[index], lower[column]), upper[column])
            }
        }
    }

    /// Clamps a flat sequence `[H * A]` into the bounds.
    func clamp(_ sequence: inout [Float]) {
        for index in sequence.indices {
            let column = index % size
            sequence[index] = min(max(sequence[index], lower[column]), upper[column])
        }
    }
}
