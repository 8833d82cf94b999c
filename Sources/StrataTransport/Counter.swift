import Synchronization

/// A monotonically growing count that any thread may bump and read (messages sent, dropped, …).
public final class Counter: Sendable {
    private let storage = Atomic<Int>(0)

    public init() {}

    /// The current count.
    public var value: Int { storage.load(ordering: .relaxed) }

    public func increment(by amount: Int = 1) { storage.add(amount, ordering: .relaxed) }
}

/// A bounded number of things in progress (requests being handled): `enter` refuses past the limit.
final class Gauge: Sendable {
    private let storage = Atomic<Int>(0)

    func enter(limit: Int) -> Bool {
        if storage.add(1, ordering: .acquiringAndReleasing).newValue <= limit { return true }
        storage.subtract(1, ordering: .relaxed)
        return false
    }

    func leave() { storage.subtract(1, ordering: .relaxed) }
}
