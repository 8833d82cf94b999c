import CZeroMQ

/// The process-wide ZeroMQ context. libzmq contexts are thread-safe.
public final class ZMQContext: @unchecked Sendable {
    public static let shared = ZMQContext()
    let handle: UnsafeMutableRawPointer

    private init() {
        guard let context = zmq_ctx_new() else { preconditionFailure("zmq_ctx_new failed: out of memory") }
        handle = context
    }

    /// The libzmq version, e.g. "4.3.4".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}

/// Socket patterns Strata uses.
public enum SocketKind: Int32, Sendable {
    case pub = 1, sub = 2, req = 3, rep = 4, dealer = 5, router = 6, pair = 0, pull = 7, push = 8, xpub = 9, xsub = 10

    var name: String { "\(self)".uppercased() }
}

/// One libzmq socket. Not thread-safe: it is created and configured by one thread, then handed to
/// the I/O thread that owns it from then on (libzmq allows moving a socket across a full barrier;
/// starting a thread is one).
final class Socket {
    let handle: UnsafeMutableRawPointer
    let kind: SocketKind
    private(set) var isClosed = false

    init(_ kind: SocketKind, options: SocketOptions) throws(TransportError) {
        guard let handle = zmq_socket(ZMQContext.shared.handle, kind.rawValue) else {
            throw TransportError(.socket, "cannot create a \(kind.name) socket: \(TransportError.zmqText())")
        }
        self.handle = handle
        self.kind = kind
        do {
            try apply(options)
        } catch {
            close(lingerMillis: 0)
            throw error
        }
    }

    deinit { close(lingerMillis: 0) }

    private func apply(_ options: SocketOptions) throws(TransportError) {
        try set(ZMQ_SNDHWM, options.sendHighWaterMark)
        try set(ZMQ_RCVHWM, options.receiveHighWaterMark)
        try set(ZMQ_MAXMSGSIZE, options.maxMessageSize)
        try set(ZMQ_LINGER, options.lingerMillis)
        try set(ZMQ_RECONNECT_IVL, options.reconnectMillis)
        try set(ZMQ_RECONNECT_IVL_MAX, options.reconnectMaxMillis)
        if options.heartbeatIntervalMillis > 0 {
            try set(ZMQ_HEARTBEAT_IVL, options.heartbeatIntervalMillis)
            try set(ZMQ_HEARTBEAT_TIMEOUT, options.heartbeatTimeoutMillis)
            try set(ZMQ_HEARTBEAT_TTL, options.heartbeatTimeoutMillis)
        }
        switch options.curve {
        case .none: break
        case .server(let keys):
            try set(ZMQ_CURVE_SERVER, Int32(1))
            try set(ZMQ_CURVE_SECRETKEY, keys.secretKey)
        case .client(let keys, let serverPublicKey):
            try set(ZMQ_CURVE_SERVERKEY, serverPublicKey)
            try set(ZMQ_CURVE_PUBLICKEY, keys.publicKey)
            try set(ZMQ_CURVE_SECRETKEY, keys.secretKey)
        }
    }

    func set<T>(_ option: Int32, _ value: T) throws(TransportError) {
        var value = value
        let rc = withUnsafeBytes(of: &value) { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw TransportError(.option, "setting option \(option) on \(kind.name): \(TransportError.zmqText())") }
    }

    func set(_ option: Int32, _ text: String) throws(TransportError) {
        let bytes = Array(text.utf8)
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else {
            let hint = option == ZMQ_CURVE_SECRETKEY || option == ZMQ_CURVE_SERVERKEY || option == ZMQ_CURVE_PUBLICKEY
                ? " (CURVE keys are 40-character Z85 strings)" : ""
            throw TransportError(.option, "setting option \(option) on \(kind.name): \(TransportError.zmqText())\(hint)")
        }
    }

    func subscribe(_ prefix: String) throws(TransportError) { try set(ZMQ_SUBSCRIBE, prefix) }

    /// Binds and returns the endpoint actually bound (the port read back for `tcp://host:*`).
    func bind(_ endpoint: String) throws(TransportError) -> String {
        guard zmq_bind(handle, endpoint) == 0 else {
            throw TransportError(.bind, "cannot bind \(kind.name) to \(endpoint): \(TransportError.zmqText())")
        }
        var buffer = [CChar](repeating: 0, count: 512)
        var length = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &length) == 0 else { return endpoint }
        return String(nulTerminated: buffer)
    }

    func connect(_ endpoint: String) throws(TransportError) {
        guard zmq_connect(handle, endpoint) == 0 else {
            throw TransportError(.connect, "cannot connect \(kind.name) to \(endpoint): \(TransportError.zmqText())")
        }
    }

    /// Sends a multipart message without blocking. Returns false when the queue is full (EAGAIN).
    func send(_ frames: [[UInt8]]) throws(TransportError) -> Bool {
        for (index, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (index < frames.count - 1 ? ZMQ_SNDMORE : 0)
            let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if rc < 0 {
                let code = zmq_errno()
                // A multipart message is atomic: failing on the first frame sends nothing.
                if code == EAGAIN && index == 0 { return false }
                throw TransportError(.send, "send on \(kind.name) failed: \(TransportError.zmqText())")
            }
        }
        return true
    }

    /// Receives one whole multipart message if one is waiting, else nil.
    func receive() -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let rc = zmq_msg_recv(&message, handle, frames.isEmpty ? ZMQ_DONTWAIT : 0)
            if rc < 0 { return nil }
            let size = zmq_msg_size(&message)
            if size > 0, let data = zmq_msg_data(&message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    func close(lingerMillis: Int32) {
        guard !isClosed else { return }
        isClosed = true
        var linger = lingerMillis
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        zmq_close(handle)
    }
}
