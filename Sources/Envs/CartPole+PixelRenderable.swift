import Foundation
import MBRLCore

/// Draws a cart-pole state `[x, xDot, theta, thetaDot]` into the viewport `[-2.4, 2.4] x [-0.6, 1.8]`
/// (y up): a grey track line, the cart as a white box of 0.5 x 0.3 centred at `x`, and the pole (length
/// 1.0, the full pole of Gymnasium's half-length 0.5) as a white line leaning by `theta`.
func renderCartPole(x: Double, theta: Double, into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
    let canvas = PixelCanvas(pixels: pixels, width: width, height: height,
                             viewport: .init(minimumX: -2.4, maximumX: 2.4, minimumY: -0.6, maximumY: 1.8))
    canvas.fill(0)
    canvas.drawLine(fromX: -2.4, fromY: -0.15, toX: 2.4, toY: -0.15, thickness: 0.04, value: 0.4)
    canvas.fillRectangle(minimumX: x - 0.25, maximumX: x + 0.25, minimumY: -0.15, maximumY: 0.15, value: 1)
    canvas.drawLine(fromX: x, fromY: 0.15, toX: x + Foundation.sin(theta), toY: 0.15 + Foundation.cos(theta),
                    thickness: 0.12, value: 0.8)
}

extension CartPole: PixelRenderable {
    /// Draws the cart and pole (see the viewport in the module's cart-pole renderer): a white cart
    /// on a grey track and the pole leaning by the current angle.
    public func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
        renderCartPole(x: state[0], theta: state[2], into: pixels, width: width, height: height)
    }
}

extension ContinuousCartPole: PixelRenderable {
    /// Draws the cart and pole exactly as `CartPole` does.
    public func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
        renderCartPole(x: physicalState[0], theta: physicalState[2], into: pixels, width: width, height: height)
    }
}
