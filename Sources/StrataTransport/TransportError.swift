import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif

/// An error from the transport layer: a stable code and a message naming the endpoint and the cause.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case socket
        case option
        case bind
        case connect
        case send
        case timeout
        case closed
        case curve
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The text of the current `zmq_errno()`.
    static func zmqText() -> String { String(cString: zmq_strerror(zmq_errno())) }
}

extension String {
    /// Text from a C buffer that libzmq filled, up to its first NUL.
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
