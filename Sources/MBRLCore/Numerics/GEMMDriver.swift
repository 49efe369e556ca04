import Dispatch
import Foundation

/// One or more multiplications of the same sizes, as `GEMM.multiply` and
/// `GEMM.multiplyBatched` receive them; problem `i` offsets every pointer by its stride.
struct GEMMBatch {
    var count: Int
    var m: Int
    var n: Int
    var k: Int
    var a: UnsafePointer<Float>
    var lda: Int
    var strideA: Int
    var transposeA: Bool
    /// `B` of problem 0; problem `i` reads `direct + i * strideDirect`, `packed + i * stridePacked`.
    var right: GEMMRightPanels
    var strideDirect: Int
    var stridePacked: Int
    var c: UnsafeMutablePointer<Float>
    var ldc: Int
    var strideC: Int
    var accumulate: Bool
    var bias: UnsafePointer<Float>?
    var strideBias: Int
    var activation: Activation
    var preActivation: UnsafeMutablePointer<Float>?
    var activationDerivative: UnsafeMutablePointer<Float>? = nil
}

/// Shares a value that holds pointers with the workers of `concurrentPerform`; the workers
/// write disjoint parts of the memory it points to.
struct GEMMUncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

/// Hands out task numbers to worker threads.
final class GEMMTaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The next task to run, or `nil` when all are taken.
    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

/// The blocked, multi-threaded loops around the microkernels.
enum GEMMDriver {
    /// Below this many floats to pack, B is packed on the calling thread: a plain copy, and a
    /// transpose (gathers, about ten times the time per float). The spinning workers answer in
    /// about a microsecond, the time to copy some hundred thousand floats.
    static let parallelPackThreshold = 1 << 18
    static let parallelTransposedPackThreshold = 1 << 15

    /// Per-worker scratch: a zero-padded copy of a partial sliver of A and the kernel's tile of sums.
    struct Scratch {
        let aTail: UnsafeMutablePointer<Float>
        let tile: UnsafeMutablePointer<Float>

        /// Floats to allocate: both parts plus room to align the tile to a cache line.
        static func floatCount(_ partition: GEMMPartition) -> Int {
            GEMMMicrokernel.rows * GEMMMicrokernel.tileStride + 16 + GEMMMicrokernel.rows * max(partition.depthBlock, 1)
        }

        init(_ base: UnsafeMutablePointer<Float>, _ partition: GEMMPartition) {
            // A 64-byte aligned tile: its vector stores and loads never straddle cache lines.
            let misalignment = Int(bitPattern: base) & 63
            tile = base + (misalignment == 0 ? 0 : (64 - misalignment) / MemoryLayout<Float>.stride)
            aTail = tile + GEMMMicrokernel.rows * GEMMMicrokernel.tileStride
        }
    }

    /// Runs every problem of `batch` with up to `threads` threads.
    static func run(_ batch: GEMMBatch, threads: Int) {
        guard batch.count > 0, batch.m > 0, batch.n > 0 else { return }
        let partition = GEMMPartition(rows: batch.m, columns: batch.n, depth: batch.k)
        let taskCount = partition.taskCount * batch.count
        let flops = partition.kernelFlops * Double(batch.count)
        let workers = flops < GEMMPartition.parallelFlops ? 1 : min(max(threads, 1), taskCount, maximumParts)
        let scratchFloats = Scratch.floatCount(partition)
        if workers == 1 {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchFloats) { buffer in
                let scratch = Scratch(buffer.baseAddress.unsafelyUnwrapped, partition)
                for task in 0..<taskCount { runTask(task, batch, partition, scratch) }
            }
            return
        }
        let counter = GEMMTaskCounter(limit: taskCount)
        let shared = GEMMUncheckedSendable(value: batch)
        parallel(parts: workers) { _ in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchFloats) { buffer in
                let scratch = Scratch(buffer.baseAddress.unsafelyUnwrapped, partition)
                while let task = counter.take() { runTask(task, shared.value, partition, scratch) }
            }
        }
    }

    /// Packs the panels of `B` that cannot be read in place for `count` problems, in parallel
    /// when there is enough to pack; `destination` holds `count` blocks of `stridePacked`.
    static func pack(
        count: Int, b: UnsafePointer<Float>, ldb: Int, strideB: Int, transposeB: Bool,
        depth: Int, columns: Int, firstPanel: Int,
        into destination: UnsafeMutablePointer<Float>, stridePacked: Int, threads: Int
    ) {
        let (panelCount, _) = GEMMRightPanels.layout(columns: columns)
        let panelsPerProblem = panelCount - firstPanel
        guard panelsPerProblem > 0, count > 0 else { return }
        let units = panelsPerProblem * count
        let threshold = transposeB ? parallelTransposedPackThreshold : parallelPackThreshold
        let workers = stridePacked * count < threshold ? 1 : min(max(threads, 1), units, maximumParts)
        let shared = GEMMUncheckedSendable(value: (b, destination))
        let packUnits: @Sendable (Range<Int>) -> Void = { range in
            let (b, destination) = shared.value
            for unit in range {
                let problem = unit / panelsPerProblem
                let panel = firstPanel + unit % panelsPerProblem
                GEMMRightPanels.pack(
                    b: b + problem * strideB, ldb: ldb, transposeB: transposeB, depth: depth, columns: columns,
                    firstPanel: firstPanel, panels: panel..<(panel + 1),
                    into: destination + problem * stridePacked)
            }
        }
        if workers == 1 {
            packUnits(0..<units)
        } else {
            parallel(parts: workers) { worker in
                packUnits((units * worker / workers)..<(units * (worker + 1) / workers))
            }
        }
    }

    /// The most parts `parallel` runs at once: the cores.
    static var maximumParts: Int {
        if #available(macOS 15, *) { return ParallelWorkers.shared.maximumParts }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// Work (entries touched) from which `forEachVectorRange` splits over the workers.
    static let parallelElementwiseWork = 1 << 15

    /// Calls `body` on ranges that cover `0..<count`, each starting at a multiple of 16 (a
    /// whole `SIMD16` vector): one range on the calling thread when `work` is below
    /// `parallelElementwiseWork`, otherwise one per thread in parallel. For lane-wise work whose
    /// value at an index does not depend on where the range starts, the result is the same
    /// for any split.
    static func forEachVectorRange(count: Int, work: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let vectors = (count + 15) / 16
        let parts = work < parallelElementwiseWork ? 1 : min(GEMM.defaultThreadCount, maximumParts, vectors)
        guard parts > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        parallel(parts: parts) { part in
            body(min(count, vectors * part / parts * 16)..<min(count, vectors * (part + 1) / parts * 16))
        }
    }

    /// Calls `body(part)` for every part in `0..<parts` (at most `maximumParts`) in parallel,
    /// on the spinning workers of `ParallelWorkers` where the system has them.
    static func parallel(parts: Int, _ body: @Sendable (Int) -> Void) {
        if #available(macOS 15, *) {
            ParallelWorkers.shared.run(parts: parts, body)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    /// Task `task` of the batch: problem `task / partition.taskCount`, then a block of rows and
    /// a block of panels of that problem.
    static func runTask(_ task: Int, _ batch: GEMMBatch, _ partition: GEMMPartition, _ scratch: Scratch) {
        let problem = task / partition.taskCount
        let local = task % partition.taskCount
        let rowTask = local / partition.columnTaskCount
        let columnTask = local % partition.columnTaskCount
        var right = batch.right
        if problem > 0 {
            right = GEMMRightPanels(
                columns: right.columns, depth: right.depth, panelCount: right.panelCount,
                lastPanelWidth: right.lastPanelWidth,
                direct: right.direct.map { $0 + problem * batch.strideDirect }, ldb: right.ldb,
                firstPackedPanel: right.firstPackedPanel,
                packed: right.packed.map { $0 + problem * batch.stridePacked })
        }
        let rowStart = rowTask * partition.rowsPerTask
        let rowEnd = min(batch.m, rowStart + partition.rowsPerTask)
        let panelStart = columnTask * partition.panelsPerTask
        let panelEnd = min(right.panelCount, panelStart + partition.panelsPerTask)
        runBlock(
            rows: rowStart..<rowEnd, panels: panelStart..<panelEnd,
            a: batch.a + problem * batch.strideA, lda: batch.lda, transposeA: batch.transposeA,
            right: right,
            c: batch.c + problem * batch.strideC, ldc: batch.ldc,
            accumulate: batch.accumulate,
            bias: batch.bias.map { $0 + problem * batch.strideBias },
            activation: batch.activation,
            preActivation: batch.preActivation.map { $0 + problem * batch.strideC },
            activationDerivative: batch.activationDerivative.map { $0 + problem * batch.strideC },
            partition: partition, scratch: scratch)
    }

    /// `C[rows, panels] = activation(op(A)[rows, :] · B[:, panels] (+ C) + bias)`.
    ///
    /// Loop order (outer to inner): cache blocks of panels, depth blocks, groups of 8 slivers,
    /// panels, slivers. One panel of B (up to 32 x depth block) then stays in L1 while the
    /// group's slivers of A (up to 96 rows) stream from L2, the order of the Goto and BLIS
    /// algorithms; measured about 7% faster than slivers outside panels on 7000 x 200 x 200.
    static func runBlock(
        rows: Range<Int>, panels: Range<Int>,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
        right: GEMMRightPanels,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, bias: UnsafePointer<Float>?, activation: Activation,
        preActivation: UnsafeMutablePointer<Float>?,
        activationDerivative: UnsafeMutablePointer<Float>?,
        partition: GEMMPartition, scratch: Scratch
    ) {
        let sliverRows = GEMMMicrokernel.rows
        let groupRows = GEMMPartition.sliversPerGroup * sliverRows
        let panelWidth = GEMMMicrokernel.wideColumns
        let n = right.columns
        let k = right.depth
        let depthBlock = max(partition.depthBlock, 1)
        var cacheBlockStart = panels.lowerBound
        while cacheBlockStart < panels.upperBound {
            let cacheBlockEnd = min(panels.upperBound, cacheBlockStart + partition.panelsPerCacheBlock)
            var depthStart = 0
            repeat {
                let depthCount = min(depthBlock, k - depthStart)
                let isFirst = depthStart == 0
                let isLast = depthStart + depthCount >= k
                var groupStart = rows.lowerBound
                while groupStart < rows.upperBound {
                    let groupEnd = min(rows.upperBound, groupStart + groupRows)
                    // Only the last sliver of a group can be partial: copy it, zero-padded, once.
                    let partialStart = groupEnd - (groupEnd - groupStart) % sliverRows
                    if partialStart < groupEnd {
                        copyPartialSliver(
                            a: a, lda: lda, transposeA: transposeA, firstRow: partialStart,
                            validRows: groupEnd - partialStart,
                            depthStart: depthStart, depthCount: depthCount, into: scratch.aTail)
                    }
                    for panel in cacheBlockStart..<cacheBlockEnd {
                        let (panelB, panelLDB) = right.panel(panel, depthOffset: depthStart)
                        let width = right.width(ofPanel: panel)
                        let firstColumn = panel * panelWidth
                        let validColumns = min(width, n - firstColumn)
                        let panelBias = isLast ? bias.map { $0 + firstColumn } : nil
                        var sliverStart = groupStart
                        while sliverStart < groupEnd {
                            let validRows = min(sliverRows, groupEnd - sliverStart)
                            if validRows == sliverRows {
                                kernel(
                                    width: width, transposed: transposeA, depth: depthCount,
                                    a: transposeA ? a + depthStart * lda + sliverStart : a + sliverStart * lda + depthStart,
                                    lda: lda, b: panelB, ldb: panelLDB, tile: scratch.tile)
                            } else {
                                // The short last sliver: 4-row kernels on its zero-padded copy.
                                let shortRows = GEMMMicrokernel.shortRows
                                var chunk = 0
                                while chunk < validRows {
                                    let chunkA = UnsafePointer(scratch.aTail + chunk * depthCount)
                                    let chunkTile = scratch.tile + chunk * GEMMMicrokernel.tileStride
                                    if width == GEMMMicrokernel.wideColumns {
                                        GEMMMicrokernel.shortWideRowMajor(
                                            depth: depthCount, a: chunkA, lda: depthCount, b: panelB, ldb: panelLDB, tile: chunkTile)
                                    } else {
                                        GEMMMicrokernel.shortNarrowRowMajor(
                                            depth: depthCount, a: chunkA, lda: depthCount, b: panelB, ldb: panelLDB, tile: chunkTile)
                                    }
                                    chunk += shortRows
                                }
                            }
                            GEMMEpilogue.store(
                                tile: scratch.tile, rows: validRows, columns: validColumns,
                                c: c + sliverStart * ldc + firstColumn, ldc: ldc, addsToC: accumulate || !isFirst,
                                bias: panelBias,
                                preActivation: isLast ? preActivation.map { $0 + sliverStart * ldc + firstColumn } : nil,
                                derivative: isLast ? activationDerivative.map { $0 + sliverStart * ldc + firstColumn } : nil,
                                activation: isLast ? activation : nil)
                            sliverStart += sliverRows
                        }
                    }
                    groupStart = groupEnd
                }
                depthStart += depthCount
            } while depthStart < k
            cacheBlockStart = cacheBlockEnd
        }
    }

    /// Calls the microkernel for a tile `width` (16 or 32) wide.
    @inline(__always)
    static func kernel(
        width: Int, transposed: Bool, depth: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, tile: UnsafeMutablePointer<Float>
    ) {
        if width == GEMMMicrokernel.wideColumns {
            if transposed {
                GEMMMicrokernel.wideTransposed(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
            } else {
                GEMMMicrokernel.wideRowMajor(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
            }
        } else {
            if transposed {
                GEMMMicrokernel.narrowTransposed(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
            } else {
                GEMMMicrokernel.narrowRowMajor(depth: depth, a: a, lda: lda, b: b, ldb: ldb, tile: tile)
            }
        }
    }

    /// Copies rows `firstRow ..< firstRow + validRows` of `op(A)`, depth
    /// `depthStart ..< depthStart + depthCount`, into a row-major block with rows `depthCount`
    /// apart, padded with rows of zeros to a multiple of 4 rows (the short kernels' height).
    static func copyPartialSliver(
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool, firstRow: Int, validRows: Int,
        depthStart: Int, depthCount: Int, into destination: UnsafeMutablePointer<Float>
    ) {
        let shortRows = GEMMMicrokernel.shortRows
        let paddedRows = (validRows + shortRows - 1) / shortRows * shortRows
        for row in 0..<paddedRows {
            let target = destination + row * depthCount
            if row >= validRows {
                target.update(repeating: 0, count: depthCount)
            } else if transposeA {
                let source = a + depthStart * lda + firstRow + row
                for p in 0..<depthCount { target[p] = source[p * lda] }
            } else {
                target.update(from: a + (firstRow + row) * lda + depthStart, count: depthCount)
            }
        }
    }
}
