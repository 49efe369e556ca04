import Envs
import MBRLCore
import Testing

/// A renderer that misbehaves: values above 1, below 0 and NaN.
private struct OutOfRangeRenderer: Environment, PixelRenderable {
    var id: String { "OutOfRange" }
    var observationSpace: Space { .box(Box(lowerBound: 0, upperBound: 1, size: 1)) }
    var actionSpace: Space { .discrete(Discrete(count: 1)) }
    mutating func reset(seed: UInt64?) throws -> [Float] { [0] }
    mutating func step(_ action: [Float]) throws -> StepResult {
        StepResult(observation: [0], reward: 0, terminated: false, truncated: false)
    }
    func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
        for index in pixels.indices { pixels[index] = [2, -1, .nan, 0.25][index % 4] }
    }
}

@Suite struct PixelObservationTests {
    @Test func observationIsTheRenderedImage() throws {
        var environment = try PixelObservation(PointMass())
        #expect(environment.id == "PointMassPixels-v0")
        #expect(environment.observationSize == 32 * 32)
        #expect(environment.actionSpace == PointMass().actionSpace)
        let observation = try environment.reset(seed: 3)
        #expect(environment.observationSpace.contains(observation))
        #expect(observation == environment.wrapped.renderedImage(width: 32, height: 32))
        #expect(environment.stateObservation == environment.wrapped.observation)
        let step = try environment.step([1, 1])
        #expect(step.observation == environment.wrapped.renderedImage(width: 32, height: 32))
        #expect(step.observation != observation)
        #expect(step.reward == -PointMass.goalDistanceForTesting(environment.stateObservation))
    }

    @Test func framesStackOldestFirst() throws {
        var environment = try PixelObservation(DynaMaze(), width: 9, height: 6, frameCount: 3)
        #expect(environment.id == "DynaMazePixels-v0")
        let frame = 54
        let first = try environment.reset(seed: 0)
        #expect(first.count == 3 * frame)
        #expect(first[0..<frame] == first[frame..<(2 * frame)] && first[frame..<(2 * frame)] == first[(2 * frame)...])
        let second = try environment.step([0]).observation  // up
        #expect(second[0..<(2 * frame)] == first[frame...])
        #expect(Array(second[(2 * frame)...]) == environment.wrapped.renderedImage(width: 9, height: 6))
        #expect(second[2 * frame + 1 * 9 + 0] == DynaMaze.agentBrightness)  // agent now at row 1, column 0
        let third = try environment.step([3]).observation   // right
        #expect(third[0..<(2 * frame)] == second[frame...])
    }

    @Test func renderedValuesAreClampedIntoTheSpace() throws {
        var environment = try PixelObservation(OutOfRangeRenderer(), width: 4, height: 2)
        #expect(environment.id == "OutOfRange-pixels")
        let observation = try environment.reset(seed: nil)
        #expect(observation == [1, 0, 0, 0.25, 1, 0, 0, 0.25])
        #expect(environment.observationSpace.contains(observation))
    }

    @Test func invalidSizesThrow() {
        #expect(throws: MBRLError.self) { try PixelObservation(PointMass(), width: 0) }
        #expect(throws: MBRLError.self) { try PixelObservation(PointMass(), frameCount: 0) }
    }

    @Test func statefulWrapperRedrawsAndClonesIndependently() throws {
        var environment = try PixelObservation(PointMass(), width: 16, height: 16, frameCount: 2)
        _ = try environment.reset(seed: 1)
        var copy = try environment.clone()
        _ = try copy.step([1, 0])
        #expect(copy.physicalState != environment.physicalState)
        try environment.setPhysicalState([0, 0, 0, 0, 0.5, 0.5])
        #expect(environment.physicalState == [0, 0, 0, 0, 0.5, 0.5])
        #expect(Array(environment.frames[256...]) == environment.wrapped.renderedImage(width: 16, height: 16))
    }
}

extension PointMass {
    /// The distance between an observation's position and goal.
    static func goalDistanceForTesting(_ observation: [Float]) -> Float {
        let dx = observation[0] - observation[4], dy = observation[1] - observation[5]
        return (dx * dx + dy * dy).squareRoot()
    }
}
