import Foundation
import MBRLCore

extension Pendulum: PixelRenderable {
    /// Draws the pendulum seen from the front in the square `[-1.2, 1.2]^2` (y up): a black
    /// background, the rod as a white line of thickness 0.2 from the pivot to
    /// `(sin theta, cos theta) * 0.9` (`theta = 0` points up, as in Gymnasium), and a grey pivot.
    /// The angle is fully visible, the angular velocity is not: stack frames
    /// (`PixelObservation(frameCount: 2 or 3)`) to make it observable.
    public func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
        let canvas = PixelCanvas(pixels: pixels, width: width, height: height,
                                 viewport: .init(minimumX: -1.2, maximumX: 1.2, minimumY: -1.2, maximumY: 1.2))
        canvas.fill(0)
        let tipX = 0.9 * Foundation.sin(theta), tipY = 0.9 * Foundation.cos(theta)
        canvas.drawLine(fromX: 0, fromY: 0, toX: tipX, toY: tipY, thickness: 0.2, value: 1)
        canvas.drawDisc(centerX: 0, centerY: 0, radius: 0.08, value: 0.5)
    }
}
