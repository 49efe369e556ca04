import MBRLCore

/// A room heated towards a target temperature, in `Double` like the built-in physics.
///
/// The action is the heater's power in `[0, 1]` (outside values are clipped); each step the room
/// loses `leakRate` of its difference to the outside and gains `heaterPower` degrees at full
/// power. Observations are `[room temperature, outside temperature]` in degrees Celsius; the
/// outside temperature is drawn per episode. The reward is `ThermostatReward`'s. Episodes never
/// terminate; a `TimeLimit` ends them.
///
/// ```swift
/// var room = Thermostat(config: .defaults, seed: 0)
/// let first = try room.reset(seed: 1)            // [room, outside]
/// let step = try room.step([0.5])                 // half power
/// ```
struct Thermostat: Environment {
    /// Recipe settings: every key optional, unknown keys rejected.
    struct Config: DocumentedConfig, Equatable {
        var targetTemperature: Float = 21
        var heaterPower: Float = 2

        init() {}
        static var defaults: Self { Self() }
        static let keyDescriptions = ["targetTemperature": "the temperature the reward asks for, in degrees Celsius",
                                      "heaterPower": "degrees per step the heater adds at full power"]
        enum CodingKeys: String, CodingKey, CaseIterable { case targetTemperature, heaterPower }

        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            targetTemperature = try container.decode(Float.self, forKey: .targetTemperature, default: 21, in: 5...35)
            heaterPower = try container.decode(Float.self, forKey: .heaterPower, default: 2, in: 0.1...10)
        }
    }

    /// The fraction of the room-outside difference lost per step.
    static let leakRate = 0.1

    let config: Config
    private var generator: RandomGenerator
    private var room = 15.0
    private var outside = 5.0

    init(config: Config, seed: UInt64) {
        self.config = config
        generator = RandomGenerator(seed: seed)
    }

    var id: String { "Thermostat-v0" }
    var observationSpace: Space { .box(Box(lowerBound: -50, upperBound: 100, size: 2)) }
    var actionSpace: Space { .box(Box(lowerBound: 0, upperBound: 1, size: 1)) }
    var observation: [Float] { [Float(room), Float(outside)] }

    mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generator = RandomGenerator(seed: seed) }
        outside = Double(generator.nextUniformFloat(in: -5, 15))
        room = outside + Double(generator.nextUniformFloat(in: 0, 5))
        return observation
    }

    mutating func step(_ action: [Float]) throws -> StepResult {
        guard action.count == 1, action[0].isFinite else {
            throw MBRLError.invalidArgument("\(id): the action is one finite heater power in [0, 1], got \(action)")
        }
        let power = min(max(action[0], 0), 1)
        room += Self.leakRate * (outside - room) + Double(config.heaterPower * power)
        let reward = ThermostatReward.reward(nextTemperature: Float(room), power: power, target: config.targetTemperature)
        return StepResult(observation: observation, reward: reward, terminated: false, truncated: false)
    }
}
