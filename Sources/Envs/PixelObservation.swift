import MBRLCore

/// Replaces a `PixelRenderable` environment's observations by grayscale images of it, optionally
/// stacking the last `frameCount` frames, for latent-model experiments.
///
/// - Observation: `Box(0, 1)` of `frameCount * height * width` values: the frames oldest first,
///   each `[height, width]` row-major. After `reset` every slot holds the first frame (as
///   Gymnasium's `FrameStackObservation` pads by default).
/// - Action, reward, `terminated` and `truncated`: those of the wrapped environment.
/// - `stateObservation` keeps the wrapped environment's last (state) observation, for
///   diagnostics such as checking what a latent space has learned.
///
/// ```swift
/// var environment = try PixelObservation(PointMass(), width: 32, height: 32, frameCount: 2)
/// let observation = try environment.reset(seed: 0)       // 2 * 32 * 32 = 2,048 values
/// let step = try environment.step([0.5, -0.2])
/// print(environment.id, step.observation.count)           // PointMassPixels-v0 2048
/// ```
public struct PixelObservation<Wrapped: Environment & PixelRenderable>: Environment {
    /// The wrapped environment.
    public internal(set) var wrapped: Wrapped
    /// Image width in pixels.
    public let width: Int
    /// Image height in pixels.
    public let height: Int
    /// The number of stacked frames.
    public let frameCount: Int
    /// The identifier (by default the wrapped id with `Pixels` before its version suffix).
    public let id: String
    /// The current observation: `frameCount` frames, oldest first.
    public private(set) var frames: [Float]
    /// The wrapped environment's latest own observation.
    public private(set) var stateObservation: [Float] = []

    /// Wraps `environment`.
    ///
    /// - Parameters:
    ///   - environment: the environment to draw.
    ///   - width: image width in pixels (default 32).
    ///   - height: image height in pixels (default 32).
    ///   - frameCount: frames stacked into one observation (default 1).
    ///   - id: the identifier; `nil` derives it from the wrapped id (`"PointMass-v0"` becomes
    ///     `"PointMassPixels-v0"`).
    /// - Throws: `MBRLError.invalidArgument` when a size is not positive.
    public init(_ environment: Wrapped, width: Int = 32, height: Int = 32, frameCount: Int = 1, id: String? = nil) throws {
        guard width > 0, height > 0, frameCount > 0 else {
            throw MBRLError.invalidArgument(
                "PixelObservation needs a positive width, height and frameCount, got \(width), \(height), \(frameCount)")
        }
        self.wrapped = environment
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.id = id ?? Self.pixelIdentifier(for: environment.id)
        self.frames = [Float](repeating: 0, count: frameCount * width * height)
    }

    /// The number of values in one frame, `height * width`.
    public var frameSize: Int { width * height }

    /// `Box(0, 1)` of `frameCount * height * width` values.
    public var observationSpace: Space {
        .box(Box(lowerBound: 0, upperBound: 1, size: frameCount * frameSize))
    }

    /// The wrapped environment's action space.
    public var actionSpace: Space { wrapped.actionSpace }

    /// Resets the wrapped environment and fills every frame slot with its first image.
    public mutating func reset(seed: UInt64?) throws -> [Float] {
        stateObservation = try wrapped.reset(seed: seed)
        renderNewestFrame()
        let newest = frames[(frameCount - 1) * frameSize ..< frameCount * frameSize]
        for slot in 0..<(frameCount - 1) {
            frames.replaceSubrange(slot * frameSize ..< (slot + 1) * frameSize, with: newest)
        }
        return frames
    }

    /// Steps the wrapped environment, drops the oldest frame and appends a new image.
    public mutating func step(_ action: [Float]) throws -> StepResult {
        var result = try wrapped.step(action)
        stateObservation = result.observation
        if frameCount > 1 {
            let frameSize = self.frameSize, keptCount = (frameCount - 1) * frameSize
            frames.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                base.update(from: base + frameSize, count: keptCount)
            }
        }
        renderNewestFrame()
        result.observation = frames
        return result
    }

    /// Draws the wrapped environment into the last frame slot, clamping values into `[0, 1]`
    /// (NaN becomes 0) so observations always lie in the space.
    mutating func renderNewestFrame() {
        let offset = (frameCount - 1) * frameSize
        let environment = wrapped
        let width = self.width, height = self.height, frameSize = self.frameSize
        frames.withUnsafeMutableBufferPointer { buffer in
            let newest = UnsafeMutableBufferPointer(rebasing: buffer[offset ..< offset + frameSize])
            environment.render(into: newest, width: width, height: height)
            for index in newest.indices {
                let value = newest[index]
                newest[index] = value.isNaN ? 0 : min(max(value, 0), 1)
            }
        }
    }

    /// `"Name-vN"` becomes `"NamePixels-vN"`; an id without a version suffix gets `"-pixels"`.
    static func pixelIdentifier(for wrappedIdentifier: String) -> String {
        let characters = Array(wrappedIdentifier)
        var index = characters.count
        while index > 0, characters[index - 1].isNumber { index -= 1 }
        if index < characters.count, index >= 2, characters[index - 1] == "v", characters[index - 2] == "-" {
            return String(characters[..<(index - 2)]) + "Pixels" + String(characters[(index - 2)...])
        }
        return wrappedIdentifier + "-pixels"
    }
}

extension PixelObservation: Sendable where Wrapped: Sendable {}
