public import StrataProtocol
import StrataTransport

/// What a subscriber sees: a verified message, or a message dropped with its error code.
public enum BusEvent: Sendable {
    case verified(topic: String, message: VerifiedMessage, bytes: Int)
    case rejected(topic: String, error: ProtocolError)
}

/// Subscribes to the bus backend and validates every message in the order of SPEC §12 (framing
/// first: exactly `[topic, envelope]`). Rejected messages are counted per error code and reported
/// as events, so a caller can log each kind once.
public final class BusWatcher: Sendable {
    private let subscriber: Subscriber
    private let validator: InboundValidator
    public let rejected = RejectionCounts()

    public init(endpoint: String, topics: [String] = [""], policy: InboundPolicy = InboundPolicy(maxBytes: 64 * 1024 * 1024)) throws {
        subscriber = try Subscriber(endpoint: endpoint, topics: topics, options: .bulk)
        validator = InboundValidator(policy: policy)
    }

    /// Verified and rejected messages as they arrive; ends when the watcher is closed.
    public var events: some AsyncSequence<BusEvent, Never> {
        subscriber.messages.map { [validator, rejected] message in
            let event = BusWatcher.check(message, validator: validator)
            if case .rejected(_, let error) = event { rejected.add(error.code) }
            return event
        }
    }

    static func check(_ message: PubSubMessage, validator: InboundValidator) -> BusEvent {
        guard message.extraFrames.isEmpty else {
            return .rejected(topic: message.topic, error: ProtocolError(.extraFrames, "\(2 + message.extraFrames.count) frames, a publication has 2"))
        }
        guard !message.payload.isEmpty else {
            return .rejected(topic: message.topic, error: ProtocolError(.malformed, "a publication needs [topic, envelope]; the envelope frame is missing or empty"))
        }
        switch validator.accept(message.payload, topic: message.topic) {
        case .success(let verified): return .verified(topic: message.topic, message: verified, bytes: message.payload.count)
        case .failure(let rejection): return .rejected(topic: message.topic, error: rejection.error)
        }
    }

    public func close() { subscriber.close() }
}
