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
    /// Below this much work a call stays on the calling thread.
    static let parallelFlopThreshold = 4.0e6
    /// Below this many floats to pack, B is packed on the calling thread.
    static let parallelPackThreshold = 1 << 17

    /// Per-worker scratch: a zero-padded copy of a partial sliver of A, a tile of C and of the
    /// pre-activation for edge tiles, and zero-padded bias values for the last panel.
    struct Scratch {
        let aTail: UnsafeMutablePointer<Float>
        let tile: UnsafeMutablePointer<Float>
        let preTile: UnsafeMutablePointer<Float>
        let biasTail: UnsafeMutablePointer<Float>

        static func floatCount(_ partition: GEMMPartition) -> Int {
            GEMMMicrokernel.rows * max(partition.depthBlock, 1) + 2 * tileFloats + GEMMMicrokernel.wideColumns
        }

        static let tileFloats = GEMMMicrokernel.rows * GEMMMicrokernel.wideColumns

        init(_ base: UnsafeMutablePointer<Float>, _ partition: GEMMPartition) {
            aTail = base
            tile = aTail + GEMMMicrokernel.rows * max(partition.depthBlock, 1)
            preTile = tile + Self.tileFloats
            biasTail = preTile + Self.tileFloats
        }
    }

    /// Runs every problem of `batch` with up to `threads` threads.
    static func run(_ batch: GEMMBatch, threads: Int) {
        guard batch.count > 0, batch.m > 0, batch.n > 0 else { return }
        let partition = GEMMPartition(rows: batch.m, columns: batch.n, depth: batch.k)
        let taskCount = partition.taskCount * batch.count
        let flops = 2.0 * Double(batch.m) * Double(batch.n) * Double(batch.k) * Double(batch.count)
        let workers = flops < parallelFlopThreshold ? 1 : min(max(threads, 1), taskCount)
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
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
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
        let workers = stridePacked * count < parallelPackThreshold ? 1 : min(max(threads, 1), units)
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
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                packUnits((units * worker / workers)..<(units * (worker + 1) / workers))
            }
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
            partition: partition, scratch: scratch)
    }

    /// `C[rows, panels] = activation(op(A)[rows, :] · B[:, panels] (+ C) + bias)`, depth block
    /// after depth block.
    static func runBlock(
        rows: Range<Int>, panels: Range<Int>,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
        right: GEMMRightPanels,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, bias: UnsafePointer<Float>?, activation: Activation,
        preActivation: UnsafeMutablePointer<Float>?,
        partition: GEMMPartition, scratch: Scratch
    ) {
        let sliverRows = GEMMMicrokernel.rows
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
                var sliverStart = rows.lowerBound
                while sliverStart < rows.upperBound {
                    let validRows = min(sliverRows, rows.upperBound - sliverStart)
                    // A's sliver: read in place, or a zero-padded copy for the last partial one.
                    var sliverA: UnsafePointer<Float>
                    var sliverLDA = lda
                    var sliverTransposed = transposeA
                    if validRows == sliverRows {
                        sliverA = transposeA
                            ? a + depthStart * lda + sliverStart
                            : a + sliverStart * lda + depthStart
                    } else {
                        copyPartialSliver(
                            a: a, lda: lda, transposeA: transposeA, firstRow: sliverStart, validRows: validRows,
                            depthStart: depthStart, depthCount: depthCount, into: scratch.aTail)
                        sliverA = UnsafePointer(scratch.aTail)
                        sliverLDA = depthCount
                        sliverTransposed = false
                    }
                    for panel in cacheBlockStart..<cacheBlockEnd {
                        let (panelB, panelLDB) = right.panel(panel, depthOffset: depthStart)
                        let width = right.width(ofPanel: panel)
                        let firstColumn = panel * panelWidth
                        let validColumns = min(width, n - firstColumn)
                        let isFullTile = validRows == sliverRows && validColumns == width
                        var epilogue = GEMMEpilogue(
                            addsToC: accumulate || !isFirst, bias: nil, preActivation: nil, preActivationStride: 0)
                        if isLast, let bias {
                            if validColumns == width {
                                epilogue.bias = bias + firstColumn
                            } else {
                                scratch.biasTail.update(from: bias + firstColumn, count: validColumns)
                                (scratch.biasTail + validColumns).update(repeating: 0, count: panelWidth - validColumns)
                                epilogue.bias = UnsafePointer(scratch.biasTail)
                            }
                        }
                        let cTile = c + sliverStart * ldc + firstColumn
                        if isFullTile {
                            if isLast, let preActivation {
                                epilogue.preActivation = preActivation + sliverStart * ldc + firstColumn
                                epilogue.preActivationStride = ldc
                            }
                            kernel(
                                width: width, transposed: sliverTransposed, depth: depthCount,
                                a: sliverA, lda: sliverLDA, b: panelB, ldb: panelLDB,
                                c: cTile, ldc: ldc, epilogue: epilogue)
                            if isLast { activation.apply(to: cTile, rows: sliverRows, columns: width, stride: ldc) }
                        } else {
                            // Edge tile: run the same kernel on a scratch tile, copy the valid part.
                            let tile = scratch.tile
                            if epilogue.addsToC {
                                for row in 0..<sliverRows {
                                    let tileRow = tile + row * panelWidth
                                    if row < validRows {
                                        tileRow.update(from: cTile + row * ldc, count: validColumns)
                                        (tileRow + validColumns).update(repeating: 0, count: panelWidth - validColumns)
                                    } else {
                                        tileRow.update(repeating: 0, count: panelWidth)
                                    }
                                }
                            }
                            if isLast, preActivation != nil {
                                epilogue.preActivation = scratch.preTile
                                epilogue.preActivationStride = panelWidth
                            }
                            kernel(
                                width: width, transposed: sliverTransposed, depth: depthCount,
                                a: sliverA, lda: sliverLDA, b: panelB, ldb: panelLDB,
                                c: tile, ldc: panelWidth, epilogue: epilogue)
                            if isLast {
                                activation.apply(to: tile, rows: validRows, columns: validColumns, stride: panelWidth)
                            }
                            for row in 0..<validRows {
                                (cTile + row * ldc).update(from: tile + row * panelWidth, count: validColumns)
                            }
                            if isLast, let preActivation {
                                let preTile = preActivation + sliverStart * ldc + firstColumn
                                for row in 0..<validRows {
                                    (preTile + row * ldc).update(from: scratch.preTile + row * panelWidth, count: validColumns)
                                }
                            }
                        }
                    }
                    sliverStart += sliverRows
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
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue
    ) {
        if width == GEMMMicrokernel.wideColumns {
            if transposed {
                GEMMMicrokernel.wideTransposed(depth: depth, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
            } else {
                GEMMMicrokernel.wideRowMajor(depth: depth, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
            }
        } else {
            if transposed {
                GEMMMicrokernel.narrowTransposed(depth: depth, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
            } else {
                GEMMMicrokernel.narrowRowMajor(depth: depth, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue)
            }
        }
    }

    /// Copies rows `firstRow ..< firstRow + validRows` of `op(A)`, depth
    /// `depthStart ..< depthStart + depthCount`, into a 12-row, row-major block with rows
    /// `depthCount` apart; the missing rows are zeros.
    static func copyPartialSliver(
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool, firstRow: Int, validRows: Int,
        depthStart: Int, depthCount: Int, into destination: UnsafeMutablePointer<Float>
    ) {
        for row in 0..<GEMMMicrokernel.rows {
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
