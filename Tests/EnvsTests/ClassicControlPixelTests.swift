import Envs
import MBRLCore
import Testing

@Suite struct ClassicControlPixelTests {
    /// The brightest pixel's mean position, in image coordinates (x right, y down).
    func brightCentroid(_ image: [Float], width: Int) -> (x: Double, y: Double) {
        var sumX = 0.0, sumY = 0.0, total = 0.0
        for (index, value) in image.enumerated() where value > 0.9 {
            sumX += Double(index % width); sumY += Double(index / width); total += 1
        }
        return (sumX / total, sumY / total)
    }

    @Test func pendulumRodPointsAlongTheAngle() throws {
        var pendulum = Pendulum()
        try pendulum.setPhysicalState([0, 0])            // upright: rod above the centre
        let up = brightCentroid(pendulum.renderedImage(width: 32, height: 32), width: 32)
        #expect(up.y < 14 && abs(up.x - 15.5) < 1.5)
        try pendulum.setPhysicalState([Double.pi / 2, 0]) // theta = pi/2: rod to the right (x = sin theta)
        let right = brightCentroid(pendulum.renderedImage(width: 32, height: 32), width: 32)
        #expect(right.x > 18 && abs(right.y - 15.5) < 1.5)
    }

    @Test func cartMovesInTheImageWithItsPosition() throws {
        var cartPole = CartPole()
        try cartPole.setPhysicalState([-1.5, 0, 0, 0])
        let left = brightCentroid(cartPole.renderedImage(width: 32, height: 32), width: 32)
        try cartPole.setPhysicalState([1.5, 0, 0, 0])
        let right = brightCentroid(cartPole.renderedImage(width: 32, height: 32), width: 32)
        #expect(right.x - left.x > 15)
    }

    @Test func pendulumPixelsStackTwoFrames() throws {
        var environment = try EnvironmentCatalog.make("PendulumPixels-v1", seed: 2)
        #expect(environment.observationSize == 2 * 32 * 32)
        let first = try environment.reset(seed: 2)
        #expect(first.allSatisfy { $0 >= 0 && $0 <= 1 } && first.contains { $0 > 0.9 })
        let step = try environment.step([0])
        #expect(step.observation.count == 2 * 32 * 32)
    }
}
