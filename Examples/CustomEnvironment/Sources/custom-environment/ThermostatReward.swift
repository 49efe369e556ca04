import MBRLCore

/// The thermostat's reward as a batched function, so that planners can score imagined steps:
/// minus the squared distance of the next room temperature to the target, minus a small price
/// for the energy used, `-(T' - target)^2 - 0.1 * power`.
///
/// ```swift
/// let reward = ThermostatReward(targetTemperature: 21)
/// let r = reward.rewards(observations: obs, actions: act, nextObservations: next)   // [B]
/// ```
struct ThermostatReward: RewardFunction {
    var targetTemperature: Float

    /// The reward of one step, shared with `Thermostat.step` so both agree exactly.
    static func reward(nextTemperature: Float, power: Float, target: Float) -> Float {
        let difference = nextTemperature - target
        return -(difference * difference) - 0.1 * power
    }

    /// `[B, 2]`, `[B, 1]`, `[B, 2] -> [B]`.
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { row in
            Self.reward(nextTemperature: nextObservations[row, 0], power: min(max(actions[row, 0], 0), 1),
                        target: targetTemperature)
        }
    }
}

extension Thermostat: KnownRewardEnvironment {
    var rewardFunction: any RewardFunction { ThermostatReward(targetTemperature: config.targetTemperature) }
    var terminationFunction: any TerminationFunction { NoTermination() }
}
