/// The priority queue of prioritized sweeping (Sutton & Barto, section 8.4): `(state, action)`
/// pairs, as indices `state * actionCount + action`, ordered by priority, highest first.
///
/// A pair is queued at most once: inserting a queued pair keeps the higher of its two
/// priorities, as the book specifies ("only the higher priority entry remaining"). Equal
/// priorities leave in insertion order, so the order never depends on anything but the calls.
/// A binary heap with lazy removal: a pair's superseded entries stay in the heap and are skipped.
///
/// ```swift
/// var queue = PrioritizedSweepingQueue()
/// queue.insert(pair: 7, priority: 0.5)
/// queue.insert(pair: 3, priority: 0.9)
/// queue.insert(pair: 7, priority: 0.2)     // 7 keeps 0.5
/// queue.popFirst()                          // (pair: 3, priority: 0.9)
/// queue.count                               // 1
/// ```
public struct PrioritizedSweepingQueue: Sendable, Equatable {
    private struct Entry: Sendable, Equatable, Codable {
        var priority: Double
        var sequence: Int
        var pair: Int

        /// Whether this entry leaves before `other`: higher priority, then earlier insertion.
        func precedes(_ other: Entry) -> Bool {
            priority != other.priority ? priority > other.priority : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    /// The live entry's sequence number and priority, by pair.
    private var live: [Int: (sequence: Int, priority: Double)] = [:]
    private var nextSequence = 0

    /// An empty queue.
    public init() {}

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.heap == rhs.heap && lhs.nextSequence == rhs.nextSequence
            && lhs.live.count == rhs.live.count
            && lhs.live.allSatisfy { key, value in rhs.live[key].map { $0 == value } ?? false }
    }

    /// The number of pairs queued.
    public var count: Int { live.count }

    /// Whether no pair is queued.
    public var isEmpty: Bool { live.isEmpty }

    /// The priority `pair` is queued with, or `nil`.
    public func priority(of pair: Int) -> Double? { live[pair]?.priority }

    /// Queues `pair` with `priority`, or raises its priority when it is queued lower.
    public mutating func insert(pair: Int, priority: Double) {
        if let existing = live[pair], existing.priority >= priority { return }
        let entry = Entry(priority: priority, sequence: nextSequence, pair: pair)
        nextSequence += 1
        live[pair] = (entry.sequence, priority)
        heap.append(entry)
        siftUp(from: heap.count - 1)
        if heap.count > 4 * live.count + 64 { compact() }
    }

    /// Removes and returns the pair of highest priority, or `nil` when the queue is empty.
    public mutating func popFirst() -> (pair: Int, priority: Double)? {
        while let top = heap.first {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(from: 0)
            }
            if let current = live[top.pair], current.sequence == top.sequence {
                live[top.pair] = nil
                return (top.pair, top.priority)
            }
        }
        return nil
    }

    /// Drops superseded entries and rebuilds the heap (keeps memory proportional to `count`).
    private mutating func compact() {
        heap = heap.filter { live[$0.pair]?.sequence == $0.sequence }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            if first == parent { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}

extension PrioritizedSweepingQueue: Codable {
    private enum CodingKeys: String, CodingKey { case heap, livePairs, liveSequences, livePriorities, nextSequence }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        heap = try container.decode([Entry].self, forKey: .heap)
        nextSequence = try container.decode(Int.self, forKey: .nextSequence)
        let pairs = try container.decode([Int].self, forKey: .livePairs)
        let sequences = try container.decode([Int].self, forKey: .liveSequences)
        let priorities = try container.decode([Double].self, forKey: .livePriorities)
        guard pairs.count == sequences.count && pairs.count == priorities.count else {
            throw DecodingError.dataCorruptedError(forKey: .livePairs, in: container,
                                                   debugDescription: "the queue's live pairs, sequences and priorities differ in count")
        }
        live = [:]
        for index in pairs.indices { live[pairs[index]] = (sequences[index], priorities[index]) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(heap, forKey: .heap)
        try container.encode(nextSequence, forKey: .nextSequence)
        let pairs = live.keys.sorted()
        try container.encode(pairs, forKey: .livePairs)
        try container.encode(pairs.map { live[$0]?.sequence ?? 0 }, forKey: .liveSequences)
        try container.encode(pairs.map { live[$0]?.priority ?? 0 }, forKey: .livePriorities)
    }
}
