import Synchronization

/// Clients waiting for a proposal to commit at this member (`consensus.submit` with `wait_ms`).
/// A commit that happens before the client starts waiting is remembered (the last 4,096), so a
/// fast commit is never missed; a proposal the core refused ends its waiters at once with the
/// reason. Each waiter is resumed exactly once: commit, refusal, timeout or cancel.
final class CommitWaiters: Sendable {
    struct Ticket: Hashable, Sendable {
        let id: UInt64
        let digest: ProposalDigest
    }

    enum Outcome: Sendable, Equatable {
        case committed(sequence: UInt64)
        case refused(String)
        case timedOut
    }

    private struct Waiter {
        let digest: ProposalDigest
        var continuation: CheckedContinuation<Outcome, Never>?
        /// Set when the proposal was refused before the client started waiting.
        var refusal: String?
    }

    private struct State {
        var nextID: UInt64 = 1
        var waiting: [UInt64: Waiter] = [:]
        var committed: [ProposalDigest: UInt64] = [:]
        var committedOrder: [ProposalDigest] = []
    }

    private let state = Mutex(State())
    private static let memory = 4_096

    func register(_ digest: ProposalDigest) -> Ticket {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.waiting[state.nextID] = Waiter(digest: digest)
            return Ticket(id: state.nextID, digest: digest)
        }
    }

    func cancel(_ ticket: Ticket) {
        let continuation = state.withLock { $0.waiting.removeValue(forKey: ticket.id)?.continuation }
        continuation?.resume(returning: .timedOut)
    }

    /// How the proposal ended for this client: committed, refused, or not within `timeout`.
    func wait(_ ticket: Ticket, timeout: Duration) async -> Outcome {
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { cancel(ticket) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let early: Outcome? = state.withLock { state in
                if let sequence = state.committed[ticket.digest] {
                    state.waiting.removeValue(forKey: ticket.id)
                    return .committed(sequence: sequence)
                }
                guard let waiter = state.waiting[ticket.id] else { return .timedOut }
                if let refusal = waiter.refusal {
                    state.waiting.removeValue(forKey: ticket.id)
                    return .refused(refusal)
                }
                state.waiting[ticket.id]?.continuation = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
    }

    func complete(_ digest: ProposalDigest, sequence: UInt64) {
        let ready = state.withLock { state -> [CheckedContinuation<Outcome, Never>] in
            if state.committed.updateValue(sequence, forKey: digest) == nil {
                state.committedOrder.append(digest)
                if state.committedOrder.count > Self.memory { state.committed.removeValue(forKey: state.committedOrder.removeFirst()) }
            }
            return Self.take(digest, from: &state)
        }
        for continuation in ready { continuation.resume(returning: .committed(sequence: sequence)) }
    }

    /// Ends every waiter for `digest` with `reason` (the core refused the proposal).
    func refuse(_ digest: ProposalDigest, reason: String) {
        let ready = state.withLock { state -> [CheckedContinuation<Outcome, Never>] in
            for (id, waiter) in state.waiting where waiter.digest == digest && waiter.continuation == nil {
                state.waiting[id]?.refusal = reason
            }
            return Self.take(digest, from: &state)
        }
        for continuation in ready { continuation.resume(returning: .refused(reason)) }
    }

    /// Removes and returns the continuations of the clients already waiting for `digest`.
    private static func take(_ digest: ProposalDigest, from state: inout State) -> [CheckedContinuation<Outcome, Never>] {
        let matching = state.waiting.filter { $0.value.digest == digest && $0.value.continuation != nil }
        for id in matching.keys { state.waiting.removeValue(forKey: id) }
        return matching.values.compactMap(\.continuation)
    }
}
