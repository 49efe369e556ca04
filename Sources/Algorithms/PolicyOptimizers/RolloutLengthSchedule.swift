import MBRLCore

/// MBPO's model-rollout length as a function of the epoch: `minimumLength` up to `startEpoch`,
/// then rising linearly to `maximumLength` at `endEpoch` and staying there, truncated to a whole
/// number of steps (mbrl-lib's `truncated_linear`, jannerm/mbpo's `rollout_schedule`).
///
/// In a recipe it is the array `[startEpoch, endEpoch, minimumLength, maximumLength]`:
///
/// ```json
/// "rolloutSchedule": [20, 100, 1, 15]
/// ```
/// gives length 1 through epoch 20, 8 at epoch 60 and 15 from epoch 100 on.
public struct RolloutLengthSchedule: Codable, Sendable, Equatable {
    /// The last epoch at `minimumLength`.
    public var startEpoch: Double
    /// The first epoch at `maximumLength`.
    public var endEpoch: Double
    /// The length up to `startEpoch`.
    public var minimumLength: Double
    /// The length from `endEpoch` on.
    public var maximumLength: Double

    /// A schedule with the given corners.
    public init(startEpoch: Double, endEpoch: Double, minimumLength: Double, maximumLength: Double) {
        self.startEpoch = startEpoch
        self.endEpoch = endEpoch
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// One-step rollouts throughout (mbrl-lib's cart-pole and inverted-pendulum `[1, 15, 1, 1]`).
    public static let oneStep = RolloutLengthSchedule(startEpoch: 1, endEpoch: 15, minimumLength: 1, maximumLength: 1)

    /// The rollout length at `epoch` (counted from 1, as mbrl-lib evaluates the schedule at
    /// `epoch + 1`), at least 1.
    public func length(atEpoch epoch: Int) -> Int {
        let x = Double(epoch)
        guard x > startEpoch, endEpoch > startEpoch else {
            return max(1, Int(x > startEpoch ? maximumLength : minimumLength))
        }
        let fraction = min((x - startEpoch) / (endEpoch - startEpoch), 1)
        return max(1, Int(fraction * (maximumLength - minimumLength) + minimumLength))
    }

    /// Throws `MBRLError.invalidArgument` unless the lengths are at least 1 and the epochs ordered.
    public func validate() throws {
        guard [startEpoch, endEpoch, minimumLength, maximumLength].allSatisfy(\.isFinite) else {
            throw MBRLError.invalidArgument("rolloutSchedule must hold finite numbers")
        }
        guard minimumLength >= 1, maximumLength >= 1 else {
            throw MBRLError.invalidArgument(
                "rolloutSchedule lengths must be at least 1, got [\(startEpoch), \(endEpoch), \(minimumLength), \(maximumLength)]")
        }
        guard endEpoch >= startEpoch else {
            throw MBRLError.invalidArgument(
                "rolloutSchedule must be [startEpoch, endEpoch, minimumLength, maximumLength] with endEpoch >= startEpoch, got [\(startEpoch), \(endEpoch), ...]")
        }
    }

    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var values: [Double] = []
        while !container.isAtEnd { values.append(try container.decode(Double.self)) }
        guard values.count == 4 else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a rollout schedule is [startEpoch, endEpoch, minimumLength, maximumLength], got \(values.count) numbers"))
        }
        self.init(startEpoch: values[0], endEpoch: values[1], minimumLength: values[2], maximumLength: values[3])
        do { try validate() } catch let error as MBRLError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(contentsOf: [startEpoch, endEpoch, minimumLength, maximumLength])
    }
}
