import MBRLCore

extension PointMass: PixelRenderable {
    /// Radius of the agent's disc in world units (the square `[-1, 1]^2` fills the image).
    public static let agentRadius = 0.1
    /// Brightness of the goal disc (the agent is drawn at 1 on a black background).
    public static let goalBrightness: Float = 0.5

    /// Draws the square `[-1, 1]^2` (y up): black background, the goal as a disc of radius
    /// `goalRadius` at brightness 0.5, the agent as a white disc of radius 0.1; edges are
    /// anti-aliased, and the agent covers the goal where they overlap.
    public func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
        let canvas = PixelCanvas(pixels: pixels, width: width, height: height)
        canvas.fill(0)
        canvas.drawDisc(centerX: goal.x, centerY: goal.y, radius: configuration.goalRadius, value: Self.goalBrightness)
        canvas.drawDisc(centerX: position.x, centerY: position.y, radius: Self.agentRadius, value: 1)
    }
}
