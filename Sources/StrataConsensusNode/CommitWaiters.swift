import Synchronization

/// Clients waiting for a proposal to commit at this member (`consensus.submit` with `wait_ms`).
/// A commit that happens before the client starts waiting is remembered (the last 4,096), so a
/// fast commit is never missed. Each waiter is resumed exactly once: commit, timeout or cancel.
final class CommitWaiters: Sendable {
    struct Ticket: Hashable, Sendable {
        let id: UInt64
        let digest: ProposalDigest
    }

    private struct State {
        var nextID: UInt64 = 1
        var waiting: [UInt64: (digest: ProposalDigest, continuation: CheckedContinuation<UInt64?, Never>?)] = [:]
        var committed: [ProposalDigest: UInt64] = [:]
        var committedOrder: [ProposalDigest] = []
    }

    private let state = Mutex(State())
    private static let memory = 4_096

    func register(_ digest: ProposalDigest) -> Ticket {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.waiting[state.nextID] = (digest, nil)
            return Ticket(id: state.nextID, digest: digest)
        }
    }

    func cancel(_ ticket: Ticket) {
        let continuation = state.withLock { $0.waiting.removeValue(forKey: ticket.id)?.continuation }
        continuation?.resume(returning: nil)
    }

    /// The sequence it committed at, or nil after `timeout`.
    func wait(_ ticket: Ticket, timeout: Duration) async -> UInt64? {
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { cancel(ticket) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let early: UInt64?? = state.withLock { state in
                if let sequence = state.committed[ticket.digest] {
                    state.waiting.removeValue(forKey: ticket.id)
                    return .some(sequence)
                }
                guard state.waiting[ticket.id] != nil else { return .some(nil) }
                state.waiting[ticket.id]?.continuation = continuation
                return .none
            }
            if let early { continuation.resume(returning: early) }
        }
    }

    func complete(_ digest: ProposalDigest, sequence: UInt64) {
        let ready = state.withLock { state -> [CheckedContinuation<UInt64?, Never>] in
            if state.committed.updateValue(sequence, forKey: digest) == nil {
                state.committedOrder.append(digest)
                if state.committedOrder.count > Self.memory { state.committed.removeValue(forKey: state.committedOrder.removeFirst()) }
            }
            let matching = state.waiting.filter { $0.value.digest == digest && $0.value.continuation != nil }
            for id in matching.keys { state.waiting.removeValue(forKey: id) }
            return matching.values.compactMap(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: sequence) }
    }
}
