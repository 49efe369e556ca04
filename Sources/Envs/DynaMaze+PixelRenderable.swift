import MBRLCore

extension DynaMaze: PixelRenderable {
    /// Brightness of an open cell.
    public static let openCellBrightness: Float = 0
    /// Brightness of a wall.
    public static let wallBrightness: Float = 0.35
    /// Brightness of the goal cell.
    public static let goalBrightness: Float = 0.65
    /// Brightness of the agent's cell.
    public static let agentBrightness: Float = 1

    /// Draws the grid stretched over the image: pixel `(x, y)` shows cell
    /// `(y * rows / height, x * columns / width)`; open cells black, walls 0.35, the goal 0.65,
    /// the agent white. The walls drawn are those the next step will see.
    public func render(into pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
        let walls = currentWalls
        let columns = layout.columns, rows = layout.rows
        var cellBrightness = [Float](repeating: Self.openCellBrightness, count: layout.cellCount)
        for wall in walls { cellBrightness[stateIndex(of: wall)] = Self.wallBrightness }
        cellBrightness[stateIndex(of: layout.goal)] = Self.goalBrightness
        cellBrightness[stateIndex] = Self.agentBrightness
        for y in 0..<height {
            let row = y * rows / height
            for x in 0..<width {
                pixels[y * width + x] = cellBrightness[row * columns + x * columns / width]
            }
        }
    }
}
