/// The message types a boundary knows: for each, its topic rule and how to validate its body.
public struct MessageCatalog: Sendable {
    struct Entry: Sendable {
        let topicRule: TopicRule
        let validateBody: @Sendable (JSONValue, String?) throws(ProtocolError) -> Void
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// Every message type of this protocol version.
    public static let standard = MessageCatalog()
        .registering(ErrorReply.self)
        .registering(DiagEcho.self)
        .registering(DiagEchoOK.self)
        .registering(DiagNote.self)
        .registering(DiagModel.self)
        .registering(NodeHeartbeat.self)
        .registering(HealthGet.self)
        .registering(HealthGetOK.self)
        .registering(ConsensusSubmit.self)
        .registering(ConsensusSubmitOK.self)
        .registering(ConsensusStatus.self)
        .registering(ConsensusStatusOK.self)

    public func registering<Body: MessageBody>(_ type: Body.Type) -> MessageCatalog {
        var copy = self
        copy.entries[Body.messageType] = Entry(topicRule: Body.topicRule) { value, topic throws(ProtocolError) in
            let body = try JSONValueDecoder.decode(Body.self, from: value)
            try body.validate()
            if let topic, !body.matches(topic: topic) {
                throw ProtocolError(.topicMismatch, "topic \"\(topic)\" does not match the \(Body.messageType) body")
            }
        }
        return copy
    }

    public var types: [String] { entries.keys.sorted() }

    public func contains(_ type: String) -> Bool { entries[type] != nil }

    public func topicRule(for type: String) -> TopicRule? { entries[type]?.topicRule }

    func validateBody(_ body: JSONValue, type: String, topic: String?) throws(ProtocolError) {
        guard let entry = entries[type] else { throw ProtocolError(.unknownType, "unknown message type \"\(type)\"") }
        try entry.validateBody(body, topic)
    }
}
