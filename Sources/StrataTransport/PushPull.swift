/// A PUSH socket to one peer on its own I/O thread: one-way, fire-and-forget frames. Sending never
/// blocks; while the peer is unreachable libzmq queues up to the high-water mark, then the send is
/// dropped and counted in `counters.dropped`. Consensus members use one per peer.
public final class Pusher: Sendable {
    private let thread: SocketThread
    public let endpoint: String

    public init(connect endpoint: String, options: SocketOptions = .bulk) throws(TransportError) {
        self.endpoint = endpoint
        thread = try SocketThread(name: "push", makeSocket: { () throws(TransportError) -> Socket in
            let socket = try Socket(.push, options: options)
            try socket.connect(endpoint)
            return socket
        }, onMessage: { _ in })
    }

    public var counters: SocketCounters { thread.counters }

    public func send(_ frame: [UInt8]) { thread.send([frame]) }

    public func close(lingerMillis: Int32 = 0) { thread.stop(lingerMillis: lingerMillis) }

    deinit { thread.stop(lingerMillis: 0) }
}

/// A PULL socket bound on its own I/O thread, delivering single-frame messages as an `AsyncStream`.
/// At most `bufferLimit` wait for the reader; more are dropped and counted in `overflowed`, and
/// messages with more than one frame are dropped and counted in `malformed`.
public final class Puller: Sendable {
    private let thread: SocketThread
    public let endpoint: String
    public let messages: AsyncStream<[UInt8]>
    public let overflowed = Counter()
    public let malformed = Counter()

    public init(bind endpoint: String, options: SocketOptions = .bulk, bufferLimit: Int = 10_000) throws(TransportError) {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingOldest(bufferLimit))
        messages = stream
        var resolved = endpoint
        let (overflowed, malformed) = (self.overflowed, self.malformed)
        thread = try SocketThread(name: "pull", makeSocket: { () throws(TransportError) -> Socket in
            let socket = try Socket(.pull, options: options)
            resolved = try socket.bind(endpoint)
            return socket
        }, onMessage: { frames in
            guard frames.count == 1 else {
                malformed.increment()
                return
            }
            if case .dropped = continuation.yield(frames[0]) { overflowed.increment() }
        })
        self.endpoint = resolved
        let thread = self.thread
        continuation.onTermination = { _ in thread.stop(lingerMillis: 0) }
    }

    public var counters: SocketCounters { thread.counters }

    public func close() { thread.stop(lingerMillis: 0) }

    deinit { thread.stop(lingerMillis: 0) }
}
