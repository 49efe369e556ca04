import Foundation

/// Run indices whose processes ended, handed from termination handlers to the executor.
final class ExitQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let available = DispatchSemaphore(value: 0)
    private var indices: [Int] = []

    func push(_ index: Int) {
        lock.lock()
        indices.append(index)
        lock.unlock()
        available.signal()
    }

    /// Waits for the next ended run.
    func pop() -> Int {
        available.wait()
        lock.lock()
        defer { lock.unlock() }
        return indices.removeFirst()
    }
}
