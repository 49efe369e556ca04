import Envs
import Foundation
import MBRLCore
import Testing

/// Behaviour of the classic-control environments that the parity fixtures do not pin down:
/// resets, argument checks, state handling, clipping, post-termination steps and time limits.
@Suite struct ClassicControlEnvironmentTests {
    static let ids = ["CartPole-v1", "ContinuousCartPole-v0", "Pendulum-v1", "MountainCarContinuous-v0", "Acrobot-v1"]

    @Test(arguments: ids)
    func resetIsSeededAndInsideTheResetDistribution(id: String) throws {
        var first = try ClassicControlTestSupport.make(id)
        var second = try ClassicControlTestSupport.make(id)
        var states: [[Double]] = []
        for seed: UInt64 in 0..<50 {
            let observation = try first.reset(seed: seed)
            #expect(observation == (try second.reset(seed: seed)))
            #expect(first.observationSpace.contains(observation))
            #expect(observation == first.currentObservation)
            states.append(first.physicalState)
        }
        #expect(Set(states.map { $0.description }).count == 50, "different seeds give different states")
        for state in states {
            switch id {
            case "CartPole-v1", "ContinuousCartPole-v0":
                #expect(state.allSatisfy { abs($0) <= 0.05 })
            case "Pendulum-v1":
                #expect(abs(state[0]) <= .pi && abs(state[1]) <= 1)
            case "MountainCarContinuous-v0":
                #expect(state[0] >= -0.6 && state[0] <= -0.4 && state[1] == 0)
            default:
                #expect(state.allSatisfy { abs($0) <= 0.1 && Double(Float($0)) == $0 }, "Acrobot rounds its reset state to Float")
            }
        }
        // Without a seed, reset continues the generator: a new state.
        let continued = try first.reset(seed: nil)
        #expect(continued != (try second.reset(seed: 49)))
    }

    @Test(arguments: ids)
    func invalidActionsThrowNamingTheEnvironmentAndSpace(id: String) throws {
        var environment = try ClassicControlTestSupport.make(id)
        _ = try environment.reset(seed: 1)
        var invalid: [[Float]] = [[], [0, 0], [.nan]]
        if environment.actionSpace.discrete != nil { invalid += [[-1], [0.5], [Float(environment.actionSpace.encodedSize)]] }
        for action in invalid {
            do {
                _ = try environment.step(action)
                Issue.record("\(id) accepted the action \(action)")
            } catch let MBRLError.invalidArgument(message) {
                #expect(message.contains(id), "\(message)")
                #expect(message.contains(environment.actionSpace.discrete != nil ? "Discrete" : "Box"), "\(message)")
                #expect(message.contains("\(action)"), "\(message)")
            }
        }
    }

    @Test(arguments: ids)
    func physicalStateIsValidatedAndClonesAreIndependent(id: String) throws {
        var environment = try ClassicControlTestSupport.make(id)
        _ = try environment.reset(seed: 2)
        let size = environment.physicalState.count
        #expect(throws: MBRLError.self) { try environment.setPhysicalState(Array(repeating: 0, count: size + 1)) }
        #expect(throws: MBRLError.self) { try environment.setPhysicalState([Double.nan] + Array(repeating: 0, count: size - 1)) }
        #expect(throws: MBRLError.self) { try environment.setPhysicalState(Array(repeating: .infinity, count: size)) }

        var generator = RandomGenerator(seed: 3)
        let state = ClassicControlTestSupport.wideState(id, using: &generator)
        try environment.setPhysicalState(state)
        #expect(environment.physicalState == state)
        let copy = try environment.clone()
        let action = environment.actionSpace.sample(using: &generator)
        var stepped = copy
        let fromCopy = try stepped.step(action)
        #expect(copy.physicalState == state, "stepping a copy leaves the original state")
        let fromOriginal = try environment.step(action)
        #expect(fromCopy == fromOriginal)
    }

    @Test func cartPolePaysZeroAfterTerminationAndSaysSo() throws {
        for id in ["CartPole-v1", "ContinuousCartPole-v0"] {
            var environment = try ClassicControlTestSupport.make(id)
            _ = try environment.reset(seed: 0)
            try environment.setPhysicalState([2.39, 1, 0, 0])
            let action: [Float] = [1]
            let terminal = try environment.step(action)
            #expect(terminal.terminated && terminal.reward == 1 && terminal.info.isEmpty)
            let after = try environment.step(action)
            #expect(after.terminated && after.reward == 0 && after.info["steps_beyond_terminated"] == 1)
            let later = try environment.step(action)
            #expect(later.reward == 0 && later.info["steps_beyond_terminated"] == 2)
            _ = try environment.reset(seed: 0)
            try environment.setPhysicalState([2.39, 1, 0, 0])
            #expect(try environment.step(action).reward == 1, "a reset starts counting afresh")
        }
    }

    @Test func catalogEnvironmentsTruncateAtGymnasiumsLimits() throws {
        var pendulum = try ClassicControlTestSupport.make("Pendulum-v1")
        _ = try pendulum.reset(seed: 0)
        for step in 1...200 {
            let result = try pendulum.step([0])
            #expect(result.truncated == (step == 200) && !result.terminated)
        }
        var cartPole = try ClassicControlTestSupport.make("CartPole-v1")
        var observation = try cartPole.reset(seed: 0)
        var steps = 0
        while true {
            let push = observation[2] + 0.5 * observation[3] + 0.05 * observation[0] + 0.2 * observation[1] > 0
            let result = try cartPole.step([push ? 1 : 0])
            steps += 1
            observation = result.observation
            if result.isDone {
                #expect(result.truncated && !result.terminated)
                break
            }
        }
        #expect(steps == 500)
        for (id, limit) in [("ContinuousCartPole-v0", 200), ("MountainCarContinuous-v0", 999), ("Acrobot-v1", 500)] {
            #expect(try EnvironmentCatalog.entry(id).maxEpisodeSteps == limit)
        }
    }

    @Test func pendulumClipsTheTorqueAndMountainCarChargesTheUnclippedAction() throws {
        var pendulum = Pendulum()
        try pendulum.setPhysicalState([1, 9])   // speed above 8: clipped by the step
        var clipped = pendulum
        let atLimit = try pendulum.step([2])
        let beyond = try clipped.step([7])
        #expect(atLimit == beyond)
        #expect(abs(pendulum.physicalState[1]) <= 8)

        var car = MountainCarContinuous()
        try car.setPhysicalState([-0.5, 0])
        var other = car
        let full = try car.step([1])
        let over = try other.step([3])
        #expect(full.observation == over.observation)
        #expect(abs(full.reward - -0.1) < 1e-7 && abs(over.reward - -0.9) < 1e-6)
    }

    @Test func mountainCarStopsAtTheLeftWallAndPaysAtTheGoal() throws {
        var car = MountainCarContinuous()
        try car.setPhysicalState([-1.19, -0.05])
        let wall = try car.step([0])
        #expect(wall.observation == [-1.2, 0])
        try car.setPhysicalState([0.44, 0.05])
        let goal = try car.step([0.5])
        #expect(goal.terminated && abs(goal.reward - (100 - 0.025)) < 1e-4)
    }

    @Test func continuousCartPoleAtFullForceMatchesCartPole() throws {
        var discrete = CartPole()
        var continuous = ContinuousCartPole()
        let state = [0.1, -0.2, 0.03, 0.4]
        try discrete.setPhysicalState(state)
        try continuous.setPhysicalState(state)
        for action: Float in [1, 0, 1, 1, 0] {
            let left = try discrete.step([action])
            let right = try continuous.step([action == 1 ? 1 : -1])
            for (a, b) in zip(left.observation, right.observation) { #expect(abs(a - b) <= 1e-6) }
        }
        #expect(continuous.actionSpace == .box(Box(lowerBound: -1, upperBound: 1, size: 1)))
        // Half the force moves the cart less.
        try continuous.setPhysicalState([0, 0, 0, 0])
        let half = try continuous.step([0.5])
        _ = try continuous.reset(seed: 0)
        try continuous.setPhysicalState([0, 0, 0, 0])
        _ = try continuous.step([1])
        let full = try continuous.step([0])
        #expect(half.observation[1] > 0 && half.observation[1] < full.observation[1])
    }

    @Test func acrobotWrapsAnglesAndBoundsVelocities() throws {
        var acrobot = Acrobot()
        try acrobot.setPhysicalState([3.1, -3.1, 12, 28])
        for _ in 0..<20 {
            _ = try acrobot.step([2])
            let state = acrobot.physicalState
            #expect(abs(state[0]) <= .pi && abs(state[1]) <= .pi)
            #expect(abs(state[2]) <= 4 * .pi && abs(state[3]) <= 9 * .pi)
        }
        #expect(acrobot.observationSpace.flatSize == 6 && acrobot.actionSpace == .discrete(Discrete(count: 3)))
    }
}
