/// How GEMM cuts one multiplication into cache blocks and tasks, from the sizes alone.
///
/// - Depth (`k`) blocks: one block up to 512, otherwise equal blocks of at most 384, so the
///   12-row sliver of A a kernel reads stays in L1. The blocks depend only on `k`, and every
///   entry of C sums its depth blocks in order.
/// - Cache blocks of panels: as many 32-column panels of B as fit in about 384 KiB of L2 for one
///   depth block; a sliver of A is reused across them.
/// - Tasks: a grid of row blocks (whole 12-row slivers) by column blocks (whole panels), sized
///   for about 4 MFLOP of work or more each (counting the padding of a narrow last panel), and
///   at least 4 row tasks for a one-panel C worth running in parallel; threads take tasks in
///   any order. Since every entry is computed the same way in every task, the thread count
///   never changes the result.
struct GEMMPartition: Sendable {
    let rows: Int
    let columns: Int
    let depth: Int
    /// Depth rows per block (0 when `depth` is 0).
    let depthBlock: Int
    /// Panels per L2 cache block of B.
    let panelsPerCacheBlock: Int
    /// Rows of C per task: a multiple of 12.
    let rowsPerTask: Int
    let rowTaskCount: Int
    /// Panels (32 columns) of C per task.
    let panelsPerTask: Int
    let columnTaskCount: Int

    /// Columns the kernels compute: `columns` rounded up to whole tiles (32 wide, or 16 for a
    /// narrow last panel), so a product of one column costs as much as one of 16.
    let paddedColumns: Int

    /// The number of tasks of one multiplication.
    var taskCount: Int { rowTaskCount * columnTaskCount }

    /// The floating-point work the kernels do for one multiplication, padding included.
    let kernelFlops: Double

    static let sliverRows = GEMMMicrokernel.rows
    /// Slivers that share one panel of B in L1 before the next panel (`GEMMDriver.runBlock`).
    static let sliversPerGroup = 8
    static let singleDepthBlockLimit = 512
    static let maximumDepthBlock = 384
    /// Floats of packed B kept in L2 per cache block.
    static let cacheBlockFloats = 96 * 1024
    /// Work per task that keeps scheduling overhead negligible.
    static let taskFlops = 4.0e6
    static let maximumRowTasks = 512
    /// Work (`kernelFlops` over the batch) below which a multiplication stays on the calling
    /// thread (`GEMMDriver.run`).
    static let parallelFlops = 1.0e6
    /// Row tasks a narrow C worth running in parallel is cut into, at least.
    static let minimumNarrowTasks = 4

    init(rows: Int, columns: Int, depth: Int) {
        self.rows = rows
        self.columns = columns
        self.depth = depth
        if depth <= Self.singleDepthBlockLimit {
            depthBlock = depth
        } else {
            let blocks = (depth + Self.maximumDepthBlock - 1) / Self.maximumDepthBlock
            depthBlock = (depth + blocks - 1) / blocks
        }
        let panelWidth = GEMMMicrokernel.wideColumns
        let (panelCount, lastPanelWidth) = GEMMRightPanels.layout(columns: columns)
        paddedColumns = panelCount == 0 ? 0 : (panelCount - 1) * panelWidth + lastPanelWidth
        kernelFlops = 2.0 * Double(rows) * Double(paddedColumns) * Double(depth)
        panelsPerCacheBlock = max(1, Self.cacheBlockFloats / (max(depthBlock, 1) * panelWidth))

        let slivers = max(1, (rows + Self.sliverRows - 1) / Self.sliverRows)
        let panels = max(1, (columns + panelWidth - 1) / panelWidth)
        let sliverFlops = 2.0 * Double(Self.sliverRows) * Double(max(paddedColumns, 1)) * Double(max(depth, 1))
        // Enough work per task, and (for a large depth) a few slivers per task so that each
        // block of B read from L3 serves several slivers.
        var sliversPerTask = max(Int((Self.taskFlops / sliverFlops).rounded(.up)), min(4, (slivers + 7) / 8))
        // Whole groups of slivers when that still leaves plenty of tasks to balance threads.
        let groupAligned = (sliversPerTask + Self.sliversPerGroup - 1) / Self.sliversPerGroup * Self.sliversPerGroup
        if slivers / groupAligned >= 16 { sliversPerTask = groupAligned }
        sliversPerTask = max(sliversPerTask, (slivers + Self.maximumRowTasks - 1) / Self.maximumRowTasks)
        sliversPerTask = min(max(sliversPerTask, 1), slivers)
        // A narrow C (one panel, such as a value head's single column) worth running in
        // parallel: at least a few row tasks, since its columns cannot be split.
        if panels == 1, kernelFlops >= Self.parallelFlops {
            sliversPerTask = min(sliversPerTask, (slivers + Self.minimumNarrowTasks - 1) / Self.minimumNarrowTasks)
        }
        rowsPerTask = sliversPerTask * Self.sliverRows
        rowTaskCount = (slivers + sliversPerTask - 1) / sliversPerTask

        // Few row blocks (a short, wide C): also split the columns.
        if rowTaskCount < 4 && panels > 1 {
            let wanted = min(panels, (8 + rowTaskCount - 1) / rowTaskCount)
            panelsPerTask = (panels + wanted - 1) / wanted
        } else {
            panelsPerTask = panels
        }
        columnTaskCount = (panels + panelsPerTask - 1) / panelsPerTask
    }
}
