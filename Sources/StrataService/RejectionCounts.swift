import Synchronization
public import StrataProtocol

/// Dropped messages per error code (SPEC §5.2: drop, log once per kind, count).
public final class RejectionCounts: Sendable {
    private let counts = Mutex<[ProtocolError.Code: Int]>([:])

    public init() {}

    /// Counts one; returns true the first time this code is seen (the moment to log it).
    @discardableResult
    public func add(_ code: ProtocolError.Code) -> Bool {
        counts.withLock { table in
            table[code, default: 0] += 1
            return table[code] == 1
        }
    }

    public var snapshot: [ProtocolError.Code: Int] { counts.withLock { $0 } }

    public var total: Int { snapshot.values.reduce(0, +) }
}
