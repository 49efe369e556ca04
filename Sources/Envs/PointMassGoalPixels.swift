import MBRLCore

/// The point mass reaching a goal given as an image (`PointMassGoalPixels-v0`): the agent sees
/// its last frames and the image of the goal, never the goal's coordinates.
///
/// - Observation: `Box(0, 1)` of `frameCount * height * width + goalHeight * goalWidth` values
///   (`goalImageLayout`): the last `frameCount` frames, oldest first, each showing the agent as
///   a white disc of radius `agentRadius` (0.3, three times `PointMass`'s, so that discs at nearby
///   positions overlap) on black (no goal marker), then the goal
///   image: the agent drawn at the goal, as a frame shows it once it is there. After `reset`
///   every frame slot holds the first frame.
/// - Episodes: no limit of their own; the catalog adds `maxEpisodeSteps` (50).
/// - Goal: a new one every episode, uniform in `[-0.8, 0.8]^2`, drawn by the point mass's
///   generator (seeded by `reset(seed:)`), so the same seed gives the same goals.
/// - Action: `PointMass`'s force in `Box(-1, 1)^2`, held for `actionRepeat` (default 4) physics
///   steps of 0.1 s, so that one action moves the agent by up to a pixel and a half (one
///   physics step moves it by a hundredth of a unit, a sixth of a pixel).
/// - `terminated`: success, within `goalRadius` 0.1 of the goal after any of the physics
///   steps (the remaining ones are skipped). Reward: the sum of `PointMass`'s `-distance` over
///   the physics steps taken; it is for the logs, a goal-image planner never reads it.
///
/// ```swift
/// var environment = try PointMassGoalPixels()                   // 2 frames + goal, 3,072 values
/// let observation = try environment.reset(seed: 0)
/// environment.goalImageLayout.goalImage(of: observation)        // the goal's 1,024 pixels
/// let step = try environment.step([0.5, -0.2])
/// ```
public struct PointMassGoalPixels: Environment, GoalImageEnvironment, Sendable {
    /// The episode length the catalog's `TimeLimit` uses: 50 steps (20 s of simulated time with
    /// the default repeat; full force reaches the farthest goal in under 10 steps).
    public static let maxEpisodeSteps = 50
    /// The physics and the goal (random every episode).
    public internal(set) var pointMass: PointMass
    /// Frame width in pixels.
    public let width: Int
    /// Frame height in pixels.
    public let height: Int
    /// The frames stacked before the goal image.
    public let frameCount: Int
    /// Physics steps each action is held for.
    public let actionRepeat: Int
    /// Goal image width in pixels (the frames' width unless set).
    public let goalWidth: Int
    /// Goal image height in pixels (the frames' height unless set).
    public let goalHeight: Int
    /// The radius of the agent's disc in world units (the square `[-1, 1]^2` fills the image).
    public static let agentRadius = 0.3
    /// The identifier, `"PointMassGoalPixels-v0"` unless set.
    public let id: String
    /// The current observation.
    public private(set) var observation: [Float]

    /// The task with `frameCount` stacked `width x height` frames, a goal image of
    /// `goalWidth x goalHeight` (by default the frames' size), and each action held for
    /// `actionRepeat` physics steps, called `id` (the catalog's `PointMassGoalPixelsOneFrame-v0`
    /// is `frameCount: 1`).
    ///
    /// - Throws: `MBRLError.invalidArgument` when a size or the repeat is not positive.
    public init(width: Int = 32, height: Int = 32, frameCount: Int = 2, goalWidth: Int? = nil, goalHeight: Int? = nil,
                actionRepeat: Int = 4, id: String = "PointMassGoalPixels-v0") throws {
        let goalWidth = goalWidth ?? width, goalHeight = goalHeight ?? height
        guard width > 0, height > 0, frameCount > 0, goalWidth > 0, goalHeight > 0, actionRepeat > 0 else {
            throw MBRLError.invalidArgument(
                "PointMassGoalPixels needs positive sizes, frame count and action repeat, got \(width) x \(height), \(frameCount) frames, goal \(goalWidth) x \(goalHeight), repeat \(actionRepeat)")
        }
        var configuration = PointMassConfiguration()
        configuration.goal = .random
        pointMass = try PointMass(configuration: configuration)
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.goalWidth = goalWidth
        self.goalHeight = goalHeight
        self.actionRepeat = actionRepeat
        self.id = id
        observation = [Float](repeating: 0, count: frameCount * width * height + goalWidth * goalHeight)
    }

    /// `frameCount` frames of `width * height`, then a goal image of `goalWidth * goalHeight`.
    public var goalImageLayout: GoalImageLayout {
        GoalImageLayout(frameSize: width * height, frameCount: frameCount, goalImageSize: goalWidth * goalHeight)
    }

    /// `Box(0, 1)` of the layout's size.
    public var observationSpace: Space { .box(Box(lowerBound: 0, upperBound: 1, size: goalImageLayout.observationSize)) }

    /// The point mass's force in `Box(-1, 1)^2`.
    public var actionSpace: Space { pointMass.actionSpace }

    /// Draws a new goal and start, fills every frame slot with the first frame, draws the goal.
    public mutating func reset(seed: UInt64?) throws -> [Float] {
        _ = try pointMass.reset(seed: seed)
        let frameSize = width * height
        let first = Self.image(x: pointMass.position.x, y: pointMass.position.y, width: width, height: height)
        for slot in 0..<frameCount {
            observation.replaceSubrange(slot * frameSize ..< (slot + 1) * frameSize, with: first)
        }
        let goal = Self.image(x: pointMass.goal.x, y: pointMass.goal.y, width: goalWidth, height: goalHeight)
        observation.replaceSubrange((frameCount * frameSize)..., with: goal)
        return observation
    }

    /// Steps the point mass `actionRepeat` times (fewer when it reaches the goal), drops the
    /// oldest frame and appends the new one; the goal image stays.
    public mutating func step(_ action: [Float]) throws -> StepResult {
        var result = try pointMass.step(action)
        for _ in 1..<actionRepeat where !result.terminated {
            let next = try pointMass.step(action)
            result = StepResult(observation: next.observation, reward: result.reward + next.reward, terminated: next.terminated,
                                truncated: next.truncated)
        }
        let frameSize = width * height
        if frameCount > 1 {
            observation.replaceSubrange(0 ..< (frameCount - 1) * frameSize,
                                        with: observation[frameSize ..< frameCount * frameSize])
        }
        let newest = Self.image(x: pointMass.position.x, y: pointMass.position.y, width: width, height: height)
        observation.replaceSubrange((frameCount - 1) * frameSize ..< frameCount * frameSize, with: newest)
        result.observation = observation
        return result
    }

    /// The agent as a white disc at `(x, y)` on black, `[height, width]` row-major.
    static func image(x: Double, y: Double, width: Int, height: Int) -> [Float] {
        var pixels = [Float](repeating: 0, count: width * height)
        pixels.withUnsafeMutableBufferPointer { buffer in
            let canvas = PixelCanvas(pixels: buffer, width: width, height: height)
            canvas.fill(0)
            canvas.drawDisc(centerX: x, centerY: y, radius: agentRadius, value: 1)
            for index in buffer.indices { buffer[index] = min(max(buffer[index], 0), 1) }
        }
        return pixels
    }
}
