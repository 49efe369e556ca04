import MBRLCore

extension TwoLinkArm: ObservableStateEnvironment {
    /// `[q1, q2, w1, w2]`.
    public var physicalState: [Double] { [angles.0, angles.1, velocities.0, velocities.1] }

    /// Sets the angles and velocities. Throws unless `state` has 4 finite entries with the speeds
    /// within `maximumSpeed`.
    public mutating func setPhysicalState(_ state: [Double]) throws {
        guard state.count == 4 else {
            throw MBRLError.shapeMismatch("a TwoLinkArm state is [q1, q2, w1, w2], got \(state.count) entries")
        }
        guard state.allSatisfy(\.isFinite) else {
            throw MBRLError.nonFinite("TwoLinkArm state \(state) has a NaN or infinite entry")
        }
        guard abs(state[2]) <= maximumSpeed, abs(state[3]) <= maximumSpeed else {
            throw MBRLError.invalidArgument("TwoLinkArm speeds must lie within maximumSpeed \(maximumSpeed), got \(state[2]), \(state[3])")
        }
        angles = (state[0], state[1])
        velocities = (state[2], state[3])
    }

    /// An independent copy.
    public func clone() throws -> TwoLinkArm { self }

    /// `[q1, q2, w1, w2, ex, ey]`.
    public var currentObservation: [Float] { observation }
}

extension TwoLinkArm: InitialStateEnvironment {}

extension TwoLinkArm: KnownRewardEnvironment {
    /// `-|q - target|^2`, differentiable (`TwoLinkArmRewardFunction`).
    public var rewardFunction: any RewardFunction { TwoLinkArmRewardFunction(target: (Float(target.0), Float(target.1))) }
    /// The arm never terminates.
    public var terminationFunction: any TerminationFunction { NoTermination() }
}
