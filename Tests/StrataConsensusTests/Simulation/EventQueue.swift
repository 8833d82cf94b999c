import StrataConsensus

/// What can happen at a tick in the simulated network.
enum SimulatedEvent: Sendable {
    case deliver(to: Int, SignedMessage)
    case timer(node: Int, TimerID)
    case request(node: Int, Proposal)
    case crash(node: Int)
    case recover(node: Int, restart: Bool)
    /// The client resends requests not yet committed everywhere (from GST on, periodically).
    case clientRetry
}

/// A binary min-heap of events by (time, insertion order): ties break by insertion, so a run is a
/// pure function of its seed.
struct EventQueue: Sendable {
    private struct Item: Sendable {
        let time: UInt64
        let order: UInt64
        let event: SimulatedEvent
        func precedes(_ other: Item) -> Bool { (time, order) < (other.time, other.order) }
    }

    private var heap: [Item] = []
    private var inserted: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    mutating func push(_ event: SimulatedEvent, at time: UInt64) {
        inserted += 1
        heap.append(Item(time: time, order: inserted, event: event))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: UInt64, event: SimulatedEvent)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.time, top.event)
    }
}
