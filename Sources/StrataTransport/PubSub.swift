/// A PUB socket on its own I/O thread. Frames are `[topic, payload]`. Publishing never blocks:
/// at the high-water mark libzmq drops, and `counters.dropped` counts it.
public final class Publisher: Sendable {
    private let thread: SocketThread
    /// Where the socket is bound or connected (bound endpoints have the real port).
    public let endpoint: String

    /// Connects to `endpoint` (usually the bus's XSUB side) or, with `bind: true`, binds it.
    public init(endpoint: String, bind: Bool = false, options: SocketOptions = .control) throws(TransportError) {
        var resolved = endpoint
        thread = try SocketThread(name: "pub", makeSocket: { () throws(TransportError) -> Socket in
            let socket = try Socket(.pub, options: options)
            if bind { resolved = try socket.bind(endpoint) } else { try socket.connect(endpoint) }
            return socket
        }, onMessage: { _ in })
        self.endpoint = resolved
    }

    public var counters: SocketCounters { thread.counters }

    public func publish(topic: String, payload: [UInt8]) {
        thread.send([Array(topic.utf8), payload])
    }

    /// Publishes raw frames (tests use this to send malformed multipart messages).
    public func publish(frames: [[UInt8]]) { thread.send(frames) }

    public func close(lingerMillis: Int32 = 200) { thread.stop(lingerMillis: lingerMillis) }

    deinit { thread.stop(lingerMillis: 0) }
}

/// One message received on a SUB socket.
public struct PubSubMessage: Sendable {
    public let topic: String
    public let payload: [UInt8]
    /// Frames after the payload; a well-formed message has none.
    public let extraFrames: [[UInt8]]
}

/// A SUB socket on its own I/O thread, delivering messages as an `AsyncStream`.
/// The stream buffers up to `bufferLimit` messages; beyond that the oldest are kept and new ones are
/// counted in `overflowed` (a slow consumer never makes the process grow without bound).
public final class Subscriber: Sendable {
    private let thread: SocketThread
    public let messages: AsyncStream<PubSubMessage>
    public let overflowed = SocketCounters()

    public init(endpoint: String, topics: [String] = [""], bind: Bool = false, options: SocketOptions = .control,
                bufferLimit: Int = 10_000) throws(TransportError) {
        let (stream, continuation) = AsyncStream.makeStream(of: PubSubMessage.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        messages = stream
        let overflowed = self.overflowed
        thread = try SocketThread(name: "sub", makeSocket: { () throws(TransportError) -> Socket in
            let socket = try Socket(.sub, options: options)
            for topic in topics { try socket.subscribe(topic) }
            if bind { _ = try socket.bind(endpoint) } else { try socket.connect(endpoint) }
            return socket
        }, onMessage: { frames in
            guard let first = frames.first else { return }
            let message = PubSubMessage(topic: String(decoding: first, as: UTF8.self),
                                        payload: frames.count > 1 ? frames[1] : [],
                                        extraFrames: Array(frames.dropFirst(2)))
            if case .dropped = continuation.yield(message) { overflowed.dropped.increment() }
        })
        let thread = self.thread
        continuation.onTermination = { _ in thread.stop(lingerMillis: 0) }
    }

    public var counters: SocketCounters { thread.counters }

    public func close() { thread.stop(lingerMillis: 0) }

    deinit { thread.stop(lingerMillis: 0) }
}
