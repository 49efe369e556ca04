/// Draws anti-aliased shapes into a grayscale image, for `PixelRenderable` environments.
///
/// Shapes are given in world coordinates: the `viewport` maps to the whole image, x to the
/// right and y upwards (so `maximumY` is the top row). Shapes combine by taking the brighter
/// value, so drawing order does not matter among shapes of different brightness.
///
/// ```swift
/// var image = [Float](repeating: 0, count: 32 * 32)
/// image.withUnsafeMutableBufferPointer { pixels in
///     let canvas = PixelCanvas(pixels: pixels, width: 32, height: 32,
///                              viewport: .init(minimumX: -2.2, maximumX: 2.2, minimumY: -2.2, maximumY: 2.2))
///     canvas.fill(0)
///     canvas.drawLine(fromX: 0, fromY: 0, toX: 0, toY: 1, thickness: 0.2, value: 1)   // a pendulum rod
///     canvas.drawDisc(centerX: 0, centerY: 0, radius: 0.1, value: 0.5)
/// }
/// ```
public struct PixelCanvas {
    /// The world rectangle the image shows.
    public struct Viewport: Sendable, Equatable {
        /// The world x shown at the left edge.
        public var minimumX: Double
        /// The world x shown at the right edge.
        public var maximumX: Double
        /// The world y shown at the bottom edge.
        public var minimumY: Double
        /// The world y shown at the top edge.
        public var maximumY: Double

        /// The rectangle `[minimumX, maximumX] x [minimumY, maximumY]`; each maximum must exceed its minimum.
        public init(minimumX: Double, maximumX: Double, minimumY: Double, maximumY: Double) {
            self.minimumX = minimumX
            self.maximumX = maximumX
            self.minimumY = minimumY
            self.maximumY = maximumY
        }

        /// The square `[-1, 1] x [-1, 1]`.
        public static let unitSquare = Viewport(minimumX: -1, maximumX: 1, minimumY: -1, maximumY: 1)
    }

    /// The image, `[height, width]` row-major.
    public let pixels: UnsafeMutableBufferPointer<Float>
    /// Image width in pixels.
    public let width: Int
    /// Image height in pixels.
    public let height: Int
    /// The world rectangle the image shows.
    public let viewport: Viewport

    /// A canvas over `pixels` (`width * height` values) showing `viewport`.
    public init(pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int, viewport: Viewport = .unitSquare) {
        precondition(width > 0 && height > 0 && pixels.count >= width * height,
                     "PixelCanvas needs a positive size and \(width * height) pixels, got \(pixels.count)")
        precondition(viewport.maximumX > viewport.minimumX && viewport.maximumY > viewport.minimumY,
                     "PixelCanvas viewport needs maximum > minimum on both axes")
        self.pixels = pixels
        self.width = width
        self.height = height
        self.viewport = viewport
    }

    /// Pixels per world unit along x.
    public var pixelsPerUnitX: Double { Double(width) / (viewport.maximumX - viewport.minimumX) }
    /// Pixels per world unit along y.
    public var pixelsPerUnitY: Double { Double(height) / (viewport.maximumY - viewport.minimumY) }

    /// The pixel-space point (x right, y down, pixel `(i, j)` centred at `(i + 0.5, j + 0.5)`) of a world point.
    public func pixelPoint(x: Double, y: Double) -> (x: Double, y: Double) {
        ((x - viewport.minimumX) * pixelsPerUnitX, (viewport.maximumY - y) * pixelsPerUnitY)
    }

    /// Sets every pixel to `value`.
    public func fill(_ value: Float) {
        for index in 0..<(width * height) { pixels[index] = value }
    }

    /// Draws a filled disc of world radius `radius` (at least half a pixel) with brightness `value`.
    public func drawDisc(centerX: Double, centerY: Double, radius: Double, value: Float) {
        let center = pixelPoint(x: centerX, y: centerY)
        let pixelRadius = max(radius * 0.5 * (pixelsPerUnitX + pixelsPerUnitY), 0.5)
        paint(minimumX: center.x - pixelRadius, maximumX: center.x + pixelRadius,
              minimumY: center.y - pixelRadius, maximumY: center.y + pixelRadius, value: value) { px, py in
            let dx = px - center.x, dy = py - center.y
            return pixelRadius - (dx * dx + dy * dy).squareRoot()
        }
    }

    /// Draws a segment of world thickness `thickness` (at least one pixel) with brightness `value`.
    public func drawLine(fromX: Double, fromY: Double, toX: Double, toY: Double, thickness: Double, value: Float) {
        let start = pixelPoint(x: fromX, y: fromY), end = pixelPoint(x: toX, y: toY)
        let halfWidth = max(thickness * 0.25 * (pixelsPerUnitX + pixelsPerUnitY), 0.5)
        let directionX = end.x - start.x, directionY = end.y - start.y
        let lengthSquared = directionX * directionX + directionY * directionY
        paint(minimumX: min(start.x, end.x) - halfWidth, maximumX: max(start.x, end.x) + halfWidth,
              minimumY: min(start.y, end.y) - halfWidth, maximumY: max(start.y, end.y) + halfWidth,
              value: value) { px, py in
            var t = lengthSquared > 0 ? ((px - start.x) * directionX + (py - start.y) * directionY) / lengthSquared : 0
            t = min(max(t, 0), 1)
            let dx = px - (start.x + t * directionX), dy = py - (start.y + t * directionY)
            return halfWidth - (dx * dx + dy * dy).squareRoot()
        }
    }

    /// Fills the pixels of a world-space axis-aligned rectangle whose centres lie inside it.
    public func fillRectangle(minimumX: Double, maximumX: Double, minimumY: Double, maximumY: Double, value: Float) {
        let topLeft = pixelPoint(x: minimumX, y: maximumY), bottomRight = pixelPoint(x: maximumX, y: minimumY)
        let columns = max(Int((topLeft.x - 0.5).rounded(.up)), 0)..<min(Int((bottomRight.x - 0.5).rounded(.down)) + 1, width)
        let rows = max(Int((topLeft.y - 0.5).rounded(.up)), 0)..<min(Int((bottomRight.y - 0.5).rounded(.down)) + 1, height)
        guard !columns.isEmpty, !rows.isEmpty else { return }
        for row in rows {
            for column in columns { pixels[row * width + column] = value }
        }
    }

    /// Brightens pixels in a pixel-space box by `value` times the coverage `clamp(inside + 0.5, 0, 1)`,
    /// where `inside` is the signed distance (pixels) of the pixel centre inside the shape.
    private func paint(minimumX: Double, maximumX: Double, minimumY: Double, maximumY: Double, value: Float,
                       signedDistance: (Double, Double) -> Double) {
        guard minimumX.isFinite, maximumX.isFinite, minimumY.isFinite, maximumY.isFinite else { return }
        let firstColumn = max(Int(max(minimumX - 1, -1).rounded(.down)), 0)
        let lastColumn = min(Int(min(maximumX + 1, Double(width)).rounded(.up)), width - 1)
        let firstRow = max(Int(max(minimumY - 1, -1).rounded(.down)), 0)
        let lastRow = min(Int(min(maximumY + 1, Double(height)).rounded(.up)), height - 1)
        guard firstColumn <= lastColumn, firstRow <= lastRow else { return }
        for row in firstRow...lastRow {
            for column in firstColumn...lastColumn {
                let inside = signedDistance(Double(column) + 0.5, Double(row) + 0.5)
                let coverage = Float(min(max(inside + 0.5, 0), 1))
                let index = row * width + column
                pixels[index] = max(pixels[index], value * coverage)
            }
        }
    }
}
