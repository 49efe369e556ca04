/// The layout of a goal-image observation: `frameCount` frames of `frameSize` entries each
/// (oldest first), then one goal image of `goalImageSize` entries, for example two 32 x 32
/// frames and the 32 x 32 image of the goal: `[frame_1, frame_2, goal]`, 3,072 entries.
///
/// The goal observation (`goalObservation(from:)`) is what the agent would observe at rest at
/// the goal: the goal image in every frame slot, then the goal image. Encoding it with any
/// model that encodes observations gives the goal's latent state.
///
/// ```swift
/// let layout = GoalImageLayout(frameSize: 1024, frameCount: 2, goalImageSize: 1024)
/// try layout.validate(observationSize: 3072)
/// let goal = layout.goalObservation(from: observation)      // [goal, goal, goal]
/// ```
public struct GoalImageLayout: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The entries of one frame.
    public var frameSize: Int
    /// The frames stacked before the goal image.
    public var frameCount: Int
    /// The entries of the goal image (equal to `frameSize` in a valid layout).
    public var goalImageSize: Int

    /// A layout; `validate(observationSize:)` checks it.
    public init(frameSize: Int, frameCount: Int, goalImageSize: Int) {
        self.frameSize = frameSize
        self.frameCount = frameCount
        self.goalImageSize = goalImageSize
    }

    /// `frameCount * frameSize + goalImageSize`.
    public var observationSize: Int { frameCount * frameSize + goalImageSize }

    public var description: String {
        "\(frameCount) frame\(frameCount == 1 ? "" : "s") of \(frameSize) entries, then a goal image of \(goalImageSize)"
    }

    /// Checks that the goal image has the frames' size and that the layout covers exactly
    /// `observationSize` entries.
    ///
    /// - Throws: `MBRLError.incompatible` naming the sizes and what to change.
    public func validate(observationSize: Int) throws {
        guard frameSize >= 1, frameCount >= 1 else {
            throw MBRLError.incompatible("a goal-image observation needs at least one frame of at least one entry; got \(self)")
        }
        guard goalImageSize == frameSize else {
            throw MBRLError.incompatible(
                "the goal image has \(goalImageSize) entries but the frames have \(frameSize); render the goal image at the frames' size so it can be encoded as a frame")
        }
        guard self.observationSize == observationSize else {
            throw MBRLError.incompatible(
                "observations of \(observationSize) entries do not hold \(self) (\(self.observationSize) entries)")
        }
    }

    /// The goal image of `observation` (its last `goalImageSize` entries).
    public func goalImage(of observation: [Float]) -> [Float] {
        Array(observation[(observation.count - goalImageSize)...])
    }

    /// The observation seen at rest at the goal: the goal image in every frame slot, then the
    /// goal image (`(frameCount + 1) * goalImageSize` entries).
    public func goalObservation(from observation: [Float]) -> [Float] {
        let goal = goalImage(of: observation)
        var result: [Float] = []
        result.reserveCapacity((frameCount + 1) * goal.count)
        for _ in 0...frameCount { result.append(contentsOf: goal) }
        return result
    }

    /// The newest `count` frames of every observation row: `[B, observationSize] ->
    /// [B, count * frameSize]`, oldest first.
    ///
    /// - Throws: `MBRLError.shapeMismatch` for rows of another width, `MBRLError.invalidArgument`
    ///   when `count` is not in `1...frameCount`.
    public func newestFrames(_ count: Int, of observations: Matrix) throws -> Matrix {
        guard observations.columns == observationSize else {
            throw MBRLError.shapeMismatch("observations of \(self) have \(observationSize) entries; got rows of \(observations.columns)")
        }
        guard count >= 1 && count <= frameCount else {
            throw MBRLError.invalidArgument("asked for the newest \(count) frames of observations holding \(frameCount)")
        }
        let start = (frameCount - count) * frameSize, width = count * frameSize
        var result = Matrix(rows: observations.rows, columns: width)
        let columns = observations.columns
        observations.values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for row in 0..<observations.rows {
                    for column in 0..<width { target[row * width + column] = source[row * columns + start + column] }
                }
            }
        }
        return result
    }
}
