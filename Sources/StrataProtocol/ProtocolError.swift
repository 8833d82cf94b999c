/// A protocol error: a stable code (sent on the wire in `error` replies) and a human message.
public struct ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable error codes of `proto-schemas/SPEC.md` §Error codes. Never renamed once shipped.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case tooLarge = "too_large"
        case malformed
        case invalid
        case unsupportedVersion = "unsupported_version"
        case unknownType = "unknown_type"
        case topicMismatch = "topic_mismatch"
        case unknownSender = "unknown_sender"
        case badSignature = "bad_signature"
        case replayed
        case stale
        case extraFrames = "extra_frames"
        case `internal`
        case unavailable
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
