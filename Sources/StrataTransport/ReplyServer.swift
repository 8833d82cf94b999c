import Synchronization

/// A request as the server sees it: the payload frames after the routing envelope.
public struct IncomingRequest: Sendable {
    /// The frames after the empty delimiter; a well-formed request has exactly one.
    public let frames: [[UInt8]]
}

/// A ROUTER socket on its own I/O thread that answers every request with one reply frame.
///
/// It speaks to REQ clients and to DEALER clients that send an empty delimiter: everything up to and
/// including the first empty frame is the routing envelope, echoed back on the reply. Requests without
/// a delimiter are dropped and counted in `malformed`. The handler runs as a Swift task (after an
/// optional synchronous admission step on the socket's thread, in arrival order); at most
/// `maxInFlight` run at once and further requests are dropped and counted in `overloaded`.
public final class ReplyServer: Sendable {
    private let thread: SocketThread
    public let endpoint: String
    public let malformed = Counter()
    public let overloaded = Counter()
    private let inFlight = Gauge()

    public convenience init(bind endpoint: String, options: SocketOptions = .control, maxInFlight: Int = 256,
                            handler: @escaping @Sendable (IncomingRequest) async -> [UInt8]) throws(TransportError) {
        try self.init(bind: endpoint, options: options, maxInFlight: maxInFlight, admit: { request in { await handler(request) } })
    }

    /// `admit` runs on the socket's thread for each request in arrival order (a sender's replay
    /// check must see its requests in the order they came); the work it returns runs as a task
    /// and its result is the reply.
    public init(bind endpoint: String, options: SocketOptions = .control, maxInFlight: Int = 256,
                admit: @escaping @Sendable (IncomingRequest) -> @Sendable () async -> [UInt8]) throws(TransportError) {
        var resolved = endpoint
        let box = ThreadBox()
        let malformed = self.malformed, overloaded = self.overloaded, inFlight = self.inFlight
        thread = try SocketThread(name: "router", makeSocket: { () throws(TransportError) -> Socket in
            let socket = try Socket(.router, options: options)
            resolved = try socket.bind(endpoint)
            return socket
        }, onMessage: { frames in
            guard let delimiter = frames.firstIndex(where: \.isEmpty), delimiter >= 1 else {
                malformed.increment()
                return
            }
            guard inFlight.enter(limit: maxInFlight) else {
                overloaded.increment()
                return
            }
            let routing = Array(frames[...delimiter])
            let work = admit(IncomingRequest(frames: Array(frames[(delimiter + 1)...])))
            Task {
                let reply = await work()
                inFlight.leave()
                box.thread?.send(routing + [reply])
            }
        })
        box.thread = thread
        self.endpoint = resolved
    }

    public var counters: SocketCounters { thread.counters }

    public func close(lingerMillis: Int32 = 200) { thread.stop(lingerMillis: lingerMillis) }

    deinit { thread.stop(lingerMillis: 0) }
}

/// Lets the message callback reach the thread that delivers it (set once, right after creation).
final class ThreadBox: @unchecked Sendable {
    private let lock = Mutex<SocketThread?>(nil)
    var thread: SocketThread? {
        get { lock.withLock { $0 } }
        set { lock.withLock { $0 = newValue } }
    }
}
