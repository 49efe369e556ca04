/// Where the microkernels find `B`: split into panels of 32 columns (the last one 16 or 32
/// wide, zero-padded), each read one depth row at a time.
///
/// A panel is either read in place from a row-major, non-transposed `B` (when its 32 columns
/// all exist) or from packed storage. Packed storage holds the panels `firstPackedPanel...` in
/// order, panel `q` (counted from `firstPackedPanel`) at offset `q * 32 * depth`, each as
/// `depth` rows of its width: the layout of `GEMM.PackedRightOperand`.
struct GEMMRightPanels {
    /// Columns of `B` (and `C`): `n`.
    let columns: Int
    /// Rows of `B`: `k`.
    let depth: Int
    /// `ceil(columns / 32)`.
    let panelCount: Int
    /// 16 or 32: the padded width of the last panel.
    let lastPanelWidth: Int
    /// The caller's `B` (`[k, n]`, leading dimension `ldb`) for panels below `firstPackedPanel`.
    let direct: UnsafePointer<Float>?
    let ldb: Int
    /// The first panel read from `packed`.
    let firstPackedPanel: Int
    let packed: UnsafePointer<Float>?

    static let panelWidth = GEMMMicrokernel.wideColumns

    /// The number of panels and the padded width of the last one for `columns` columns.
    static func layout(columns: Int) -> (panelCount: Int, lastPanelWidth: Int) {
        guard columns > 0 else { return (0, panelWidth) }
        let panelCount = (columns + panelWidth - 1) / panelWidth
        let remainder = columns - (panelCount - 1) * panelWidth
        return (panelCount, remainder <= GEMMMicrokernel.narrowColumns ? GEMMMicrokernel.narrowColumns : panelWidth)
    }

    /// The number of floats packed storage needs for panels `firstPanel..<panelCount`.
    static func packedCount(columns: Int, depth: Int, firstPanel: Int) -> Int {
        let (panelCount, lastWidth) = layout(columns: columns)
        guard firstPanel < panelCount else { return 0 }
        return ((panelCount - 1 - firstPanel) * panelWidth + lastWidth) * depth
    }

    /// From this many rows of `A` on, a non-transposed `B` is packed too: packing costs about
    /// `1 / (2 m)` of the product per element of B, and aligned, contiguous panels stream from
    /// L2 into L1 faster than the rows of the caller's matrix.
    static let packingRowThreshold = 512

    /// The panel index from which `B` is packed: 0 for a transposed `B` or a product with at
    /// least `packingRowThreshold` rows, otherwise the first panel that is not 32 full columns
    /// (`panelCount` when there is none).
    static func firstPackedPanel(rows: Int, columns: Int, transposeB: Bool) -> Int {
        transposeB || rows >= packingRowThreshold ? 0 : columns / panelWidth
    }

    /// The padded width of panel `index`.
    @inline(__always)
    func width(ofPanel index: Int) -> Int {
        index == panelCount - 1 ? lastPanelWidth : Self.panelWidth
    }

    /// The first value of panel `index` at depth row `depthOffset`, and the distance between
    /// its depth rows.
    @inline(__always)
    func panel(_ index: Int, depthOffset: Int) -> (pointer: UnsafePointer<Float>, ldb: Int) {
        if index < firstPackedPanel, let direct {
            return (direct + depthOffset * ldb + index * Self.panelWidth, ldb)
        }
        let width = width(ofPanel: index)
        let start = (index - firstPackedPanel) * Self.panelWidth * depth
        return (packed.unsafelyUnwrapped + start + depthOffset * width, width)
    }

    /// Packs panels `panels` (at least `firstPanel`) of `B` into `destination`, laid out as
    /// packed storage that starts at panel `firstPanel`.
    ///
    /// - Parameters:
    ///   - b: `B` as `[k, n]` (or `[n, k]` when `transposeB`), leading dimension `ldb`.
    static func pack(
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool, depth: Int, columns: Int,
        firstPanel: Int, panels: Range<Int>, into destination: UnsafeMutablePointer<Float>
    ) {
        let (panelCount, lastWidth) = layout(columns: columns)
        for panel in panels {
            let width = panel == panelCount - 1 ? lastWidth : panelWidth
            let firstColumn = panel * panelWidth
            let validColumns = min(width, columns - firstColumn)
            let target = destination + (panel - firstPanel) * panelWidth * depth
            if !transposeB {
                for row in 0..<depth {
                    let source = b + row * ldb + firstColumn
                    let targetRow = target + row * width
                    targetRow.update(from: source, count: validColumns)
                    if validColumns < width { (targetRow + validColumns).update(repeating: 0, count: width - validColumns) }
                }
            } else {
                // B(p, j) = b[j * ldb + p]: transpose in blocks of 64 depth rows so that the
                // source rows being read stay in L1. Groups of 16 columns are gathered into one
                // vector per depth row and stored whole; the columns after the last full group
                // are written one by one.
                let block = 64
                let fullGroups = validColumns / 16
                var rowStart = 0
                while rowStart < depth {
                    let rowEnd = min(depth, rowStart + block)
                    for group in 0..<fullGroups {
                        let source = b + (firstColumn + group * 16) * ldb
                        for row in rowStart..<rowEnd {
                            var values = SIMD16<Float>()
                            for lane in 0..<16 { values[lane] = source[lane * ldb + row] }
                            UnsafeMutableRawPointer(target + row * width + group * 16).storeBytes(of: values, as: SIMD16<Float>.self)
                        }
                    }
                    for column in (fullGroups * 16)..<validColumns {
                        let source = b + (firstColumn + column) * ldb
                        for row in rowStart..<rowEnd { target[row * width + column] = source[row] }
                    }
                    if validColumns < width {
                        for row in rowStart..<rowEnd {
                            (target + row * width + validColumns).update(repeating: 0, count: width - validColumns)
                        }
                    }
                    rowStart = rowEnd
                }
            }
        }
    }
}
