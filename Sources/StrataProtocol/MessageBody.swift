/// Which pub/sub topics a message type may be published on (`proto-schemas/topics.json`).
public enum TopicRule: Sendable, Hashable {
    /// A request or reply: never published.
    case notPublished
    /// Exactly this topic.
    case exact(String)
    /// `prefix.<segment>` where the segment is one of `segments`.
    case segment(prefix: String, segments: Set<String>)

    public func accepts(_ topic: String) -> Bool {
        let utf8 = topic.utf8
        guard (1...255).contains(utf8.count), utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7e }) else { return false }
        switch self {
        case .notPublished: return false
        case .exact(let name): return topic == name
        case .segment(let prefix, let segments):
            guard topic.hasPrefix(prefix + ".") else { return false }
            return segments.contains(String(topic.dropFirst(prefix.count + 1)))
        }
    }
}

/// The body of one message type. `validate()` holds the checks a JSON Schema cannot express
/// (or repeats the schema's limits so the Swift side enforces them too).
public protocol MessageBody: Codable, Sendable, Equatable {
    static var messageType: String { get }
    static var topicRule: TopicRule { get }
    func validate() throws(ProtocolError)
    /// A check that ties the topic to the body (e.g. a heartbeat's topic names its service).
    func matches(topic: String) -> Bool
}

extension MessageBody {
    public static var topicRule: TopicRule { .notPublished }
    public func validate() throws(ProtocolError) {}
    public func matches(topic: String) -> Bool { true }
}

/// Shared body checks, so every type words its errors the same way.
enum Check {
    static func length(_ text: String, max: Int, field: String) throws(ProtocolError) {
        // Limits count Unicode code points, like JSON Schema's maxLength.
        let count = text.unicodeScalars.count
        guard count <= max else {
            throw ProtocolError(.invalid, "body.\(field): \(count) characters, at most \(max) allowed")
        }
    }

    static func range<T: Comparable>(_ value: T, _ bounds: ClosedRange<T>, field: String) throws(ProtocolError) {
        guard bounds.contains(value) else {
            throw ProtocolError(.invalid, "body.\(field): \(value) is outside \(bounds.lowerBound)...\(bounds.upperBound)")
        }
    }

    /// `^[a-z][a-z0-9-]{0,63}$`: a service instance name.
    static func instanceName(_ text: String, field: String) throws(ProtocolError) {
        let bytes = Array(text.utf8)
        let lowerOrDigit: (UInt8) -> Bool = { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }
        guard (1...64).contains(bytes.count), (0x61...0x7a).contains(bytes[0]),
              bytes.dropFirst().allSatisfy({ lowerOrDigit($0) || $0 == 0x2d }) else {
            throw ProtocolError(.invalid, "body.\(field): \"\(text.prefix(80))\" is not an instance name (a-z, then a-z 0-9 -, at most 64)")
        }
    }

    /// Exactly `bytes` bytes as lowercase hex.
    static func hex(_ text: String, bytes: Int, field: String) throws(ProtocolError) {
        guard text.utf8.count == bytes * 2, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw ProtocolError(.invalid, "body.\(field): not \(bytes * 2) lowercase hex digits")
        }
    }

    static func finite(_ value: Double, field: String) throws(ProtocolError) {
        guard value.isFinite else { throw ProtocolError(.invalid, "body.\(field): not a finite number") }
    }
}
