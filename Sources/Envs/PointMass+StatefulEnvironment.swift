import MBRLCore

extension PointMass: StatefulEnvironment {
    /// `[x, y, vx, vy, gx, gy]` in `Double`.
    public var physicalState: [Double] {
        [position.x, position.y, velocity.x, velocity.y, goal.x, goal.y]
    }

    /// Sets position, velocity and goal. Throws unless `state` has 6 finite entries with the
    /// position and goal in `[-1, 1]^2` and each speed within `maximumSpeed`.
    public mutating func setPhysicalState(_ state: [Double]) throws {
        guard state.count == 6 else {
            throw MBRLError.shapeMismatch("a PointMass state is [x, y, vx, vy, gx, gy], got \(state.count) entries")
        }
        guard state.allSatisfy(\.isFinite) else {
            throw MBRLError.nonFinite("PointMass state \(state) has a NaN or infinite entry")
        }
        let limit = configuration.maximumSpeed
        guard abs(state[0]) <= 1, abs(state[1]) <= 1, abs(state[4]) <= 1, abs(state[5]) <= 1 else {
            throw MBRLError.invalidArgument("PointMass position and goal must lie in [-1, 1]^2, got \(state)")
        }
        guard abs(state[2]) <= limit, abs(state[3]) <= limit else {
            throw MBRLError.invalidArgument("PointMass speeds must lie within maximumSpeed \(limit), got \(state[2]), \(state[3])")
        }
        if let wall = configuration.wall, wall.contains(x: state[0], y: state[1]) {
            throw MBRLError.invalidArgument("PointMass position (\(state[0]), \(state[1])) lies inside the wall \(wall)")
        }
        position = (state[0], state[1])
        velocity = (state[2], state[3])
        goal = (state[4], state[5])
    }

    /// An independent copy (a value type, generator included).
    public func clone() throws -> PointMass { self }
}

extension PointMass: ObservableStateEnvironment {
    /// `[x, y, vx, vy, gx, gy]`.
    public var currentObservation: [Float] { observation }
}
