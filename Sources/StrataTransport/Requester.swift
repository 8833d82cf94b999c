import Synchronization

/// A request/reply client over a DEALER socket on its own I/O thread, with the Lazy Pirate pattern:
/// each attempt waits up to `timeout`; on silence the socket is closed and reconnected (dropping
/// anything queued for a dead peer) and the request is sent again, up to `retries` more times, then
/// the call fails with a `timeout` error naming the endpoint.
///
/// Several requests may be outstanding at once: each carries an 8-byte correlation frame before the
/// empty delimiter, which the server echoes as part of the routing envelope (SPEC §5.1). A reply
/// whose correlation is unknown (a late answer to an attempt that already timed out) is dropped and
/// counted in `lateReplies`.
public final class Requester: Sendable {
    private let thread: SocketThread
    private let waiting = PendingRequests()
    private let nextCorrelation = Mutex<UInt64>(1)
    private let sendOrder = Mutex<Void>(())
    public let endpoint: String
    public let lateReplies = Counter()
    /// Attempts that got no reply in time.
    public let timeouts = Counter()

    /// Connects a DEALER socket to `endpoint` (the server's ROUTER).
    public init(connect endpoint: String, options: SocketOptions = .control) throws(TransportError) {
        let waiting = self.waiting, late = lateReplies
        self.endpoint = endpoint
        thread = try SocketThread(name: "dealer", tickMillis: 10, makeSocket: { () throws(TransportError) -> Socket in
            let socket = try Socket(.dealer, options: options)
            try socket.connect(endpoint)
            return socket
        }, onMessage: { frames in
            // [correlation, empty, reply]
            guard frames.count == 3, frames[0].count == 8, frames[1].isEmpty else {
                late.increment()
                return
            }
            let correlation = frames[0].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            if !waiting.complete(correlation, with: frames[2]) { late.increment() }
        }, onTick: {
            waiting.expire(now: .now)
        })
    }

    public var counters: SocketCounters { thread.counters }

    /// Sends `payload` and returns the reply frame. Each retry sends the bytes `makePayload` returns
    /// for that attempt (a signed envelope needs a fresh id, sequence and timestamp per attempt).
    public func request(timeout: Duration = .seconds(2), retries: Int = 2,
                        makePayload: (Int) throws -> [UInt8]) async throws -> [UInt8] {
        for attempt in 0...max(0, retries) {
            try Task.checkCancellation()
            guard thread.isRunning else { throw TransportError(.closed, "the requester for \(endpoint) is closed") }
            if let reply = try await attemptOnce(timeout: timeout, makeFrames: { [try makePayload(attempt)] }) { return reply }
            if !Task.isCancelled { timeouts.increment() }
            // Lazy Pirate: a peer that stayed silent may be gone; start from a fresh connection.
            if attempt < retries { thread.enqueue(.reopen) }
        }
        throw TransportError(.timeout, "no reply from \(endpoint) after \(max(0, retries) + 1) attempt(s) of \(timeout) each; is the service running?")
    }

    /// Sends the same payload on every attempt (for raw frames, tests and tools).
    public func request(_ payload: [UInt8], timeout: Duration = .seconds(2), retries: Int = 2) async throws -> [UInt8] {
        try await request(timeout: timeout, retries: retries) { _ in payload }
    }

    /// Sends several frames after the delimiter (a malformed request; tests and conformance tools).
    public func request(frames: [[UInt8]], timeout: Duration = .seconds(2), retries: Int = 0) async throws -> [UInt8] {
        for attempt in 0...max(0, retries) {
            if let reply = try await attemptOnce(timeout: timeout, makeFrames: { frames }) { return reply }
            if !Task.isCancelled { timeouts.increment() }
            if attempt < retries { thread.enqueue(.reopen) }
        }
        throw TransportError(.timeout, "no reply from \(endpoint) after \(max(0, retries) + 1) attempt(s) of \(timeout) each; is the service running?")
    }

    /// One attempt. The frames are made and queued for sending under one lock, so requests leave
    /// in the order their payloads were made: a signed envelope's `seq` must reach the server in
    /// increasing order, or the server refuses the later-arriving lower one as `replayed`.
    private func attemptOnce(timeout: Duration, makeFrames: () throws -> [[UInt8]]) async throws -> [UInt8]? {
        let correlation = nextCorrelation.withLock { value in
            defer { value &+= 1 }
            return value
        }
        let tag = withUnsafeBytes(of: correlation) { Array($0) }
        var failure: (any Error)?
        let reply = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8]?, Never>) in
                waiting.register(correlation, continuation, deadline: .now + timeout)
                do {
                    try sendOrder.withLock { _ in thread.send([tag, []] + (try makeFrames())) }
                } catch {
                    failure = error
                    _ = waiting.complete(correlation, with: nil)
                }
            }
        } onCancel: {
            _ = waiting.complete(correlation, with: nil)
        }
        if let failure { throw failure }
        return reply
    }

    /// Closes the socket; outstanding requests end with no reply.
    public func close() {
        thread.stop(lingerMillis: 0)
        waiting.failAll()
    }

    deinit { close() }
}

/// Outstanding requests by correlation number; each is resumed exactly once (reply, timeout,
/// cancellation or close), whichever comes first.
private final class PendingRequests: Sendable {
    private struct Waiting {
        let continuation: CheckedContinuation<[UInt8]?, Never>
        let deadline: ContinuousClock.Instant
    }

    private let table = Mutex<[UInt64: Waiting]>([:])

    func register(_ correlation: UInt64, _ continuation: CheckedContinuation<[UInt8]?, Never>, deadline: ContinuousClock.Instant) {
        table.withLock { $0[correlation] = Waiting(continuation: continuation, deadline: deadline) }
    }

    /// Resumes the request with `reply`; false when it is no longer waiting.
    func complete(_ correlation: UInt64, with reply: [UInt8]?) -> Bool {
        guard let entry = table.withLock({ $0.removeValue(forKey: correlation) }) else { return false }
        entry.continuation.resume(returning: reply)
        return true
    }

    /// Ends every request whose deadline passed; returns how many.
    @discardableResult
    func expire(now: ContinuousClock.Instant) -> Int {
        let expired = table.withLock { entries -> [Waiting] in
            let overdue = entries.filter { $0.value.deadline <= now }
            for key in overdue.keys { entries.removeValue(forKey: key) }
            return Array(overdue.values)
        }
        for entry in expired { entry.continuation.resume(returning: nil) }
        return expired.count
    }

    func failAll() {
        let all = table.withLock { entries in defer { entries.removeAll() }; return Array(entries.values) }
        for entry in all { entry.continuation.resume(returning: nil) }
    }
}
