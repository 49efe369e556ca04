import Dispatch
import Foundation
import Synchronization

/// Runs the parts of a parallel job on the calling thread and on a fixed set of worker threads
/// that wait for the next job by spinning for a short while before they sleep.
///
/// Numeric kernels hand out many short jobs in a row: a SAC update or a planning step is a
/// chain of GEMMs of a few tens of microseconds each, with a little serial work in between.
/// Waking a sleeping thread for each (as `DispatchQueue.concurrentPerform` does) costs about as
/// long as the work itself in a virtual machine. A worker here keeps polling for the next job
/// for `spinDuration` after finishing one, so in such a chain it starts at once; only after a
/// longer pause does it sleep on a condition variable (and the next job wakes it).
///
/// One job runs at a time. A call made while the workers are busy (from another thread, or
/// from inside a job) runs all its parts on the calling thread instead, so nesting is safe.
/// What each part computes must not depend on which thread runs it; the kernels that use this
/// hand out their tasks by number, so their results do not depend on the thread count.
@available(macOS 15, *)
final class ParallelWorkers: @unchecked Sendable {
    /// Workers for the processor count (one fewer than the cores: the caller is the other).
    static let shared = ParallelWorkers(
        workerCount: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// How long an idle worker polls for a new job before it sleeps.
    static let spinDuration: Duration = .microseconds(200)

    /// The number of worker threads (started on first use).
    let workerCount: Int

    /// Set while a job owns the workers.
    private let busy = Atomic<Bool>(false)
    /// The current job's number times `partLimit` plus its part count: workers wait for it to
    /// change, and read the part count from the same value, so a worker that was slow to see
    /// one job never mistakes its part count for the next one's.
    private let generation = Atomic<Int>(0)
    private static let partLimit = 1 << 16
    /// Workers of the current job that have not finished their part.
    private let unfinished = Atomic<Int>(0)
    /// The current job's body (valid while `busy`).
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    /// Guards `sleepers` and the condition the idle workers sleep on.
    private let condition = NSCondition()
    private nonisolated(unsafe) var sleepers = 0

    /// The most parts a job can have: the workers and the caller.
    var maximumParts: Int { workerCount + 1 }

    init(workerCount: Int) {
        self.workerCount = min(max(0, workerCount), Self.partLimit - 2)
        for index in 0..<self.workerCount {
            let thread = Thread { self.workerLoop(part: index + 1) }
            thread.name = "mbrl-worker-\(index + 1)"
            thread.start()
        }
    }

    /// Calls `body(part)` for every `part` in `0..<parts`, part 0 on the calling thread and the
    /// others on workers, and returns when all have finished. With `parts` above
    /// `maximumParts`, or while another job holds the workers, the calling thread runs every
    /// part itself (in order).
    func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        guard parts <= workerCount + 1,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<parts { body(part) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            unfinished.store(parts - 1, ordering: .relaxed)
            let job = generation.load(ordering: .relaxed) / Self.partLimit + 1
            generation.store(job * Self.partLimit + parts, ordering: .releasing)
            condition.lock()
            if sleepers > 0 { condition.broadcast() }
            condition.unlock()
            escapable(0)
            // Wait for the workers' parts: they are about as long as ours, so poll.
            var polls = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                polls += 1
                if polls > 1 << 12 { sched_yield() }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// A worker: wait for a new generation (spinning, then sleeping), run part `part` when the
    /// job has that many parts, report, repeat.
    private func workerLoop(part: Int) {
        // The value before the first job (a worker may start after that job was published).
        var seen = 0
        let clock = ContinuousClock()
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let deadline = clock.now.advanced(by: Self.spinDuration)
                var polls = 0
                while current == seen {
                    polls += 1
                    if polls & 255 == 0, clock.now >= deadline {
                        condition.lock()
                        while generation.load(ordering: .acquiring) == seen {
                            sleepers += 1
                            condition.wait()
                            sleepers -= 1
                        }
                        condition.unlock()
                    }
                    current = generation.load(ordering: .acquiring)
                }
            }
            seen = current
            if part < current % Self.partLimit {
                body?(part)
                unfinished.subtract(1, ordering: .releasing)
            }
        }
    }
}
