import CZeroMQ

/// ZeroMQ CURVE keys in Z85 text (40 characters each), as `zmq_curve_keypair` makes them.
public struct CurveKeyPair: Sendable, Hashable {
    public let publicKey: String
    public let secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    public static func generate() throws(TransportError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else {
            throw TransportError(.curve, "zmq_curve_keypair failed: \(TransportError.zmqText()) (libzmq built without CURVE?)")
        }
        return CurveKeyPair(publicKey: String(nulTerminated: publicKey), secretKey: String(nulTerminated: secretKey))
    }
}

/// Transport encryption and server authentication with ZeroMQ CURVE (RFC 26/CurveZMQ).
public enum CurveRole: Sendable, Hashable {
    /// The binding side: holds its own key pair; clients must know its public key.
    case server(CurveKeyPair)
    /// The connecting side: its own key pair plus the server's public key it pins.
    case client(CurveKeyPair, serverPublicKey: String)
}

/// Socket options every Strata socket sets before bind or connect.
public struct SocketOptions: Sendable, Hashable {
    /// High-water marks (messages queued per peer before PUB drops or others block).
    public var sendHighWaterMark: Int32 = 10_000
    public var receiveHighWaterMark: Int32 = 10_000
    /// Largest inbound message; a peer that sends more is disconnected by libzmq (`ZMQ_MAXMSGSIZE`).
    public var maxMessageSize: Int64 = 64 * 1024
    /// How long `close` waits to flush queued messages.
    public var lingerMillis: Int32 = 200
    /// ZMTP heartbeats: ping every `heartbeatIntervalMillis`, drop the connection after
    /// `heartbeatTimeoutMillis` without traffic (0 disables).
    public var heartbeatIntervalMillis: Int32 = 1_000
    public var heartbeatTimeoutMillis: Int32 = 3_000
    /// Reconnection back-off, starting at `reconnectMillis` and capped at `reconnectMaxMillis`.
    public var reconnectMillis: Int32 = 100
    public var reconnectMaxMillis: Int32 = 2_000
    public var curve: CurveRole?

    public init() {}

    /// Control sockets: small messages (64 KiB).
    public static let control = SocketOptions()

    /// Sockets that carry model parameters (64 MiB).
    public static var bulk: SocketOptions {
        var options = SocketOptions()
        options.maxMessageSize = 64 * 1024 * 1024
        return options
    }

    public func with(curve: CurveRole?) -> SocketOptions {
        var copy = self
        copy.curve = curve
        return copy
    }
}
