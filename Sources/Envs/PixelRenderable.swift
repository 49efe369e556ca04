import MBRLCore

/// An environment that can draw its current state as a small grayscale image, so
/// `PixelObservation` can turn it into a pixel-observation task.
///
/// The image is `[height, width]`, row-major (row 0 at the top), every value in `[0, 1]` (0
/// black, 1 white). `render` must write every pixel and depend only on the current state, so the
/// same state always gives the same image. `PixelCanvas` draws anti-aliased discs and lines.
///
/// ```swift
/// extension MyEnvironment: PixelRenderable {
///     func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
///         let canvas = PixelCanvas(pixels: pixels, width: width, height: height)
///         canvas.fill(0)
///         canvas.drawDisc(centerX: position.x, centerY: position.y, radius: 0.1, value: 1)
///     }
/// }
/// let image = MyEnvironment().renderedImage(width: 32, height: 32)   // 1,024 values
/// ```
public protocol PixelRenderable {
    /// Draws the current state into `pixels`, which holds `width * height` values, row-major.
    ///
    /// - Parameters:
    ///   - pixels: the destination, `[height, width]`; every entry must be written, in `[0, 1]`.
    ///   - width: image width in pixels (positive).
    ///   - height: image height in pixels (positive).
    func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int)
}

extension PixelRenderable {
    /// The current state drawn as a new `[height, width]` image.
    public func renderedImage(width: Int = 32, height: Int = 32) -> [Float] {
        var image = [Float](repeating: 0, count: width * height)
        image.withUnsafeMutableBufferPointer { render(into: $0, width: width, height: height) }
        return image
    }
}
