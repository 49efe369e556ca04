import Envs
import Foundation
import MBRLCore
import Testing

/// The ways `ToyWalk` can be broken on purpose.
private struct Defects: OptionSet {
    let rawValue: Int
    static let unorderedActionBounds = Defects(rawValue: 1 << 0)
    static let observationOutOfSpace = Defects(rawValue: 1 << 1)
    static let resetOutOfSpace = Defects(rawValue: 1 << 2)
    static let nanReward = Defects(rawValue: 1 << 3)
    static let nondeterministic = Defects(rawValue: 1 << 4)
    static let acceptsWrongSize = Defects(rawValue: 1 << 5)
    static let acceptsNaN = Defects(rawValue: 1 << 6)
    static let inconsistentTimeLimitFlag = Defects(rawValue: 1 << 7)
    static let sharedClone = Defects(rawValue: 1 << 8)
    static let ignoresSetState = Defects(rawValue: 1 << 9)
    static let acceptsBadState = Defects(rawValue: 1 << 10)
    static let wrongReward = Defects(rawValue: 1 << 11)
    static let wrongTermination = Defects(rawValue: 1 << 12)
    static let wrongGradient = Defects(rawValue: 1 << 13)
    static let throwsOnValidAction = Defects(rawValue: 1 << 14)
    static let ignoresSeed = Defects(rawValue: 1 << 15)
    static let cloneDiverges = Defects(rawValue: 1 << 16)
    static let resetKeepsState = Defects(rawValue: 1 << 17)
}

/// Mutable state kept in a class so a broken clone can share it.
private final class WalkStorage {
    var position: Double = 0
    var generator = RandomGenerator(seed: 0)
    var stepCount = 0
    var driftCounter = 0  // never reset: the nondeterminism defect
    var isClone = false
}

/// A one-dimensional walk, correct unless `defects` says otherwise: position in [-1, 1], action a
/// push in [-1, 1] moving by half of it, reward `-x^2`, episode ends at |x| >= 0.95.
private struct ToyWalk: StatefulEnvironment, KnownRewardEnvironment {
    var defects: Defects = []
    var storage = WalkStorage()
    var resetCount = 0  // a value-type field: copies of the walk count their own resets

    var id: String { "ToyWalk-v0" }
    var observationSpace: Space { .box(Box(lowerBound: -1, upperBound: 1, size: 1)) }
    var actionSpace: Space {
        defects.contains(.unorderedActionBounds) ? .box(Box(lowerBound: [1], upperBound: [-1])) : .box(Box(lowerBound: -1, upperBound: 1, size: 1))
    }

    mutating func reset(seed: UInt64?) throws -> [Float] {
        if let seed { storage.generator = RandomGenerator(seed: seed) }
        storage.position = defects.contains(.ignoresSeed) ? 0.25 : storage.generator.nextUniformDouble() - 0.5
        resetCount += 1
        if defects.contains(.resetKeepsState) { storage.position += 1e-3 * Double(resetCount % 5) }
        storage.stepCount = 0
        return defects.contains(.resetOutOfSpace) ? [5] : [Float(storage.position)]
    }

    mutating func step(_ action: [Float]) throws -> StepResult {
        if !defects.contains(.acceptsWrongSize), action.count != 1 { throw MBRLError.shapeMismatch("one entry") }
        if !defects.contains(.acceptsNaN), !action.allSatisfy(\.isFinite) { throw MBRLError.nonFinite("NaN action") }
        if defects.contains(.throwsOnValidAction), (action.first ?? 0) > 0.9 { throw MBRLError.invalidArgument("too big") }
        var push = Double(action.first ?? 0)
        if push.isNaN { push = 0 }
        storage.position = min(max(storage.position + 0.5 * push, -1), 1)
        if defects.contains(.nondeterministic) {
            storage.driftCounter += 1
            storage.position = min(max(storage.position + 1e-3 * Double(storage.driftCounter % 7), -1), 1)
        }
        if defects.contains(.cloneDiverges), storage.isClone { storage.position = min(storage.position + 0.01, 1) }
        storage.stepCount += 1
        let x = Float(storage.position)
        var info: [String: Double] = [:]
        if defects.contains(.inconsistentTimeLimitFlag), storage.stepCount % 3 == 0 { info["TimeLimit.truncated"] = 1 }
        return StepResult(observation: [defects.contains(.observationOutOfSpace) && storage.stepCount > 2 ? x + 3 : x],
                          reward: defects.contains(.nanReward) ? .nan : -x * x,
                          terminated: abs(x) >= 0.95, truncated: false, info: info)
    }

    var physicalState: [Double] { [storage.position] }

    mutating func setPhysicalState(_ state: [Double]) throws {
        if !defects.contains(.acceptsBadState) {
            guard state.count == 1, state[0].isFinite, abs(state[0]) <= 1 else { throw MBRLError.invalidArgument("bad state") }
        }
        if !defects.contains(.ignoresSetState), let first = state.first { storage.position = first }
    }

    func clone() throws -> ToyWalk {
        if defects.contains(.sharedClone) { return self }
        var copy = self
        copy.storage = WalkStorage()
        copy.storage.position = storage.position
        copy.storage.generator = storage.generator
        copy.storage.stepCount = storage.stepCount
        copy.storage.driftCounter = storage.driftCounter
        copy.storage.isClone = true
        return copy
    }

    var rewardFunction: any RewardFunction { WalkReward(scale: defects.contains(.wrongReward) ? 2 : 1,
                                                       gradientSign: defects.contains(.wrongGradient) ? -1 : 1) }
    var terminationFunction: any TerminationFunction {
        defects.contains(.wrongTermination) ? NoTermination() as any TerminationFunction : WalkTermination()
    }
}

private struct WalkReward: DifferentiableRewardFunction {
    var scale: Float
    var gradientSign: Float
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { -scale * nextObservations[$0, 0] * nextObservations[$0, 0] }
    }
    func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        var next = Matrix(rows: nextObservations.rows, columns: 1)
        for row in 0..<next.rows { next[row, 0] = gradientSign * -2 * scale * nextObservations[row, 0] }
        return RewardGradients(observations: Matrix(rows: observations.rows, columns: 1),
                               actions: Matrix(rows: actions.rows, columns: 1), nextObservations: next)
    }
}

private struct WalkTermination: TerminationFunction {
    func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        (0..<nextObservations.rows).map { abs(nextObservations[$0, 0]) >= 0.95 }
    }
}

/// An environment whose discrete action space has no elements (only reachable by decoding).
private struct EmptyActionSpace: Environment {
    let actions: Discrete
    var id: String { "Empty-v0" }
    var observationSpace: Space { .box(Box(lowerBound: -1, upperBound: 1, size: 1)) }
    var actionSpace: Space { .discrete(actions) }
    mutating func reset(seed: UInt64?) throws -> [Float] { [0] }
    mutating func step(_ action: [Float]) throws -> StepResult { StepResult(observation: [0], reward: 0, terminated: false, truncated: false) }
}

private func errors(_ issues: [EnvironmentChecker.Issue]) -> [EnvironmentChecker.Issue] {
    issues.filter { $0.severity == .error }
}

@Suite struct EnvironmentCheckerTests {
    @Test func correctToyEnvironmentHasNoIssues() {
        let issues = EnvironmentChecker.check(ToyWalk(), seed: 3, steps: 300)
        #expect(issues.isEmpty, "\(issues)")
    }

    @Test(arguments: [
        (Defects.unorderedActionBounds, EnvironmentChecker.Issue.Check.spaces),
        (.observationOutOfSpace, .step),
        (.resetOutOfSpace, .reset),
        (.nanReward, .step),
        (.nondeterministic, .determinism),
        (.acceptsWrongSize, .invalidAction),
        (.acceptsNaN, .invalidAction),
        (.inconsistentTimeLimitFlag, .episodeFlags),
        (.sharedClone, .clone),
        (.cloneDiverges, .clone),
        (.ignoresSetState, .physicalState),
        (.acceptsBadState, .physicalState),
        (.wrongReward, .rewardFunction),
        (.wrongTermination, .terminationFunction),
        (.throwsOnValidAction, .step),
    ])
    fileprivate func eachBrokenPropertyIsReportedAsAnError(defect: Defects, check: EnvironmentChecker.Issue.Check) {
        let issues = EnvironmentChecker.check(ToyWalk(defects: defect), seed: 1, steps: 200)
        #expect(errors(issues).contains { $0.check == check }, "expected an error for \(check), got \(issues)")
        #expect(throws: EnvironmentChecker.Failure.self) { try EnvironmentChecker.validate(ToyWalk(defects: defect)) }
    }

    @Test func suspiciousPropertiesAreWarnings() {
        let seedIgnored = EnvironmentChecker.check(ToyWalk(defects: .ignoresSeed))
        #expect(seedIgnored.map(\.check) == [.seeding] && seedIgnored[0].severity == .warning, "\(seedIgnored)")
        let keepsState = EnvironmentChecker.check(ToyWalk(defects: .resetKeepsState))
        #expect(keepsState.map(\.check) == [.repeatability] && keepsState[0].severity == .warning, "\(keepsState)")
        let wrongGradient = EnvironmentChecker.check(ToyWalk(defects: .wrongGradient))
        #expect(wrongGradient.map(\.check) == [.rewardGradient] && wrongGradient[0].severity == .warning, "\(wrongGradient)")
    }

    @Test func repeatedStepProblemsAreMergedIntoOneIssue() {
        let issues = EnvironmentChecker.check(ToyWalk(defects: .nanReward), steps: 50)
        let rewardIssues = issues.filter { $0.check == .step }
        #expect(rewardIssues.count == 1)
        #expect(rewardIssues.first?.message.contains("more like it") == true)
    }

    @Test func emptyDiscreteSpaceIsReported() throws {
        let empty = try JSONDecoder().decode(Discrete.self, from: Data(#"{"count": 0}"#.utf8))
        let issues = EnvironmentChecker.check(EmptyActionSpace(actions: empty))
        #expect(issues.map(\.check) == [.spaces] && issues[0].severity == .error)
    }

    @Test func builtInEnvironmentsPass() throws {
        #expect(EnvironmentChecker.check(PointMass()).isEmpty)
        var randomGoals = PointMassConfiguration()
        randomGoals.goal = .random
        #expect(EnvironmentChecker.check(try PointMass(configuration: randomGoals)).isEmpty)
        #expect(EnvironmentChecker.check(TimeLimit(PointMass(), maxEpisodeSteps: 50), steps: 300).isEmpty)
        #expect(EnvironmentChecker.check(try PixelObservation(PointMass(), width: 16, height: 16, frameCount: 2)).isEmpty)
        // The mazes start deterministically: a seeding warning and nothing else.
        for maze in [DynaMaze(), try DynaMaze(layout: .blocking()), try DynaMaze(layout: .shortcut())] {
            let issues = EnvironmentChecker.check(maze, steps: 300)
            #expect(issues.map(\.check) == [.seeding] && issues.allSatisfy { $0.severity == .warning }, "\(issues)")
            try EnvironmentChecker.validate(maze)
        }
        // A wall that moves during the check makes a second run on the same maze differ: a
        // warning, since the change is meant to survive resets; copies still agree.
        let changing = EnvironmentChecker.check(try DynaMaze(layout: .blocking(wallChangeStep: 100)), steps: 300)
        #expect(changing.map(\.check) == [.repeatability, .seeding] && errors(changing).isEmpty, "\(changing)")
        let pixelMaze = EnvironmentChecker.check(try PixelObservation(DynaMaze(), frameCount: 2))
        #expect(errors(pixelMaze).isEmpty, "\(pixelMaze)")
    }
}
