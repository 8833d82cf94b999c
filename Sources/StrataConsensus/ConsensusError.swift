/// An error from StrataConsensus: a stable code plus a human message that names the problem.
public struct ConsensusError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidConfig = "invalid_config"
        case notMember = "not_member"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
