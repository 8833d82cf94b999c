import CZeroMQ

/// A ZeroMQ socket used directly by the one thread that runs a poll loop over several sockets
/// (`PollLoop`), with no I/O thread of its own: a message reaches that loop with one thread
/// hand-off (libzmq's) instead of three. A consensus member owns its inbox and its peer links this
/// way. Not Sendable: create, use and close it on the loop's thread.
public final class DirectSocket {
    let socket: Socket
    /// The bound endpoint (with the port the system chose for `:*`), or the endpoint connected to.
    public let endpoint: String
    public let counters = SocketCounters()

    public init(bind endpoint: String, kind: SocketKind, options: SocketOptions = .bulk) throws(TransportError) {
        socket = try Socket(kind, options: options)
        self.endpoint = try socket.bind(endpoint)
    }

    public init(connect endpoint: String, kind: SocketKind, options: SocketOptions = .bulk) throws(TransportError) {
        socket = try Socket(kind, options: options)
        try socket.connect(endpoint)
        self.endpoint = endpoint
    }

    /// Sends one frame without blocking; a full queue (high-water mark), a closed socket or a send
    /// error drops it and counts it in `counters.dropped`.
    @discardableResult
    public func send(_ frame: [UInt8]) -> Bool {
        guard !socket.isClosed, (try? socket.send([frame])) == true else {
            counters.dropped.increment()
            return false
        }
        counters.sent.increment()
        return true
    }

    /// One whole multipart message if one is waiting, else nil (never blocks).
    public func receive() -> [[UInt8]]? {
        guard !socket.isClosed, let frames = socket.receive() else { return nil }
        counters.received.increment()
        return frames
    }

    public func close(lingerMillis: Int32 = 0) { socket.close(lingerMillis: lingerMillis) }
}

/// What a poll-loop thread waits on: its sockets and a wake-up other threads use when they queue
/// work for it. `wake()` may be called from any thread.
public final class PollLoop: Sendable {
    private let pipe: WakePipe

    public init() throws(TransportError) { pipe = try WakePipe() }

    /// Wakes the loop's thread out of `wait` (from any thread; never blocks).
    public func wake() { pipe.wake() }

    /// Blocks until one of `sockets` has a message, `wake()` was called, or `timeoutMillis` passed
    /// (negative: no timeout). Returns which sockets are readable. Call it on the loop's thread.
    public func wait(_ sockets: [DirectSocket], timeoutMillis: Int) -> [Bool] {
        var items = [zmq_pollitem_t](repeating: zmq_pollitem_t(), count: sockets.count + 1)
        items[0] = zmq_pollitem_t(socket: nil, fd: pipe.readEnd, events: Int16(ZMQ_POLLIN), revents: 0)
        for (offset, socket) in sockets.enumerated() {
            // A closed socket takes no part (a negative descriptor is ignored by poll).
            items[offset + 1] = socket.socket.isClosed ? zmq_pollitem_t(socket: nil, fd: -1, events: 0, revents: 0)
                : zmq_pollitem_t(socket: socket.socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        }
        _ = zmq_poll(&items, Int32(items.count), timeoutMillis)
        if items[0].revents != 0 { pipe.drain() }
        return sockets.indices.map { items[$0 + 1].revents != 0 }
    }
}
