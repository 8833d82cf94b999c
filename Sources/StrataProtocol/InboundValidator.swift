public import StrataCrypto
import Synchronization

/// What a boundary accepts: size limit, freshness window and, where the dialog requires it, the set
/// of known senders (`nil` accepts any correctly signed sender).
public struct InboundPolicy: Sendable {
    public var maxBytes: Int
    public var freshnessMillis: Int64
    public var knownSenders: Set<String>?

    public init(maxBytes: Int = 64 * 1024, freshnessMillis: Int64 = 30_000, knownSenders: Set<String>? = nil) {
        self.maxBytes = maxBytes
        self.freshnessMillis = freshnessMillis
        self.knownSenders = knownSenders
    }
}

/// A message that passed every check: its envelope, the sender's key and the canonical bytes.
public struct VerifiedMessage: Sendable {
    public let envelope: Envelope
    public let sender: PublicKey

    /// Decodes the body as `Body` (already validated once; this gives the typed value).
    public func body<Body: MessageBody>(as type: Body.Type) throws(ProtocolError) -> Body {
        guard envelope.type == Body.messageType else {
            throw ProtocolError(.invalid, "expected \(Body.messageType), got \(envelope.type)")
        }
        return try JSONValueDecoder.decode(Body.self, from: envelope.body)
    }
}

/// A message that failed a check: the error, and the request id if the envelope got that far
/// (so an `error` reply can say what it answers).
public struct RejectedMessage: Error, Sendable {
    public let error: ProtocolError
    public let requestID: String?
    public let type: String?
}

/// Validates inbound messages in the order of SPEC §Validation order: size, JSON, envelope shape,
/// protocol version, known type, topic, body, known sender, signature, sequence, freshness.
public final class InboundValidator: Sendable {
    public let catalog: MessageCatalog
    public let policy: InboundPolicy
    private let replay: Mutex<ReplayGuard>
    private let keys: Mutex<[String: PublicKey]>
    static let keyCacheLimit = 4096

    public init(catalog: MessageCatalog = .standard, policy: InboundPolicy = InboundPolicy(), replayCapacity: Int = 65_536) {
        self.catalog = catalog
        self.policy = policy
        self.replay = Mutex(ReplayGuard(capacity: replayCapacity, freshnessMillis: policy.freshnessMillis))
        self.keys = Mutex([:])
    }

    public func accept(_ wire: [UInt8], topic: String? = nil, now: Int64 = WallClock.nowMillis()) -> Result<VerifiedMessage, RejectedMessage> {
        wire.withUnsafeBytes { accept(buffer: $0, topic: topic, now: now) }
    }

    public func accept(buffer: UnsafeRawBufferPointer, topic: String? = nil, now: Int64 = WallClock.nowMillis()) -> Result<VerifiedMessage, RejectedMessage> {
        var envelope: Envelope?
        func reject(_ error: ProtocolError) -> Result<VerifiedMessage, RejectedMessage> {
            .failure(RejectedMessage(error: error, requestID: envelope?.id, type: envelope?.type))
        }
        // 1. Size.
        guard buffer.count <= policy.maxBytes else {
            return reject(ProtocolError(.tooLarge, "message of \(buffer.count) bytes exceeds the limit of \(policy.maxBytes)"))
        }
        do {
            // 2. JSON; 3. envelope shape.
            let parsed = try Envelope(shape: try JSONParser.parse(buffer: buffer))
            envelope = parsed
            // 4. Protocol version.
            guard parsed.proto == Envelope.protocolID else {
                throw ProtocolError(.unsupportedVersion, "protocol \(parsed.proto) is not supported; this node speaks \(Envelope.protocolID)")
            }
            // 5. Known type; 6. topic.
            guard let rule = catalog.topicRule(for: parsed.type) else {
                throw ProtocolError(.unknownType, "unknown message type \"\(parsed.type)\"")
            }
            if let topic, !rule.accepts(topic) {
                throw ProtocolError(.topicMismatch, "type \(parsed.type) may not be published on topic \"\(topic)\"")
            }
            // 7. Body schema and semantic checks.
            try catalog.validateBody(parsed.body, type: parsed.type, topic: topic)
            // 8. Known sender.
            if let known = policy.knownSenders, !known.contains(parsed.sender) {
                throw ProtocolError(.unknownSender, "sender \(parsed.sender.prefix(8)) is not a known member")
            }
            // 9. Signature over the canonical bytes, never the wire bytes.
            let key = try publicKey(parsed.sender)
            let signature = try Hex.decode(parsed.sig)
            guard key.verify(signature: signature, message: parsed.canonicalBytes()) else {
                throw ProtocolError(.badSignature, "signature does not verify for sender \(key.shortID)")
            }
            // 10. Sequence; 11. freshness. The sequence is recorded only when both pass.
            try replay.withLock { guardState throws(ProtocolError) in
                try guardState.check(sender: parsed.sender, seq: parsed.seq, ts: parsed.ts, now: now)
            }
            return .success(VerifiedMessage(envelope: parsed, sender: key))
        } catch let error as ProtocolError {
            return reject(error)
        } catch {
            return reject(ProtocolError(.internal, "\(error)"))
        }
    }

    /// Records `seq` as the last accepted sequence of `sender` (used to restore state and by tests).
    public func recordAccepted(sender: String, seq: Int64, now: Int64) {
        replay.withLock { state in
            state.record(sender: sender, seq: seq, now: now)
        }
    }

    private func publicKey(_ hex: String) throws(ProtocolError) -> PublicKey {
        if let cached = keys.withLock({ $0[hex] }) { return cached }
        let key: PublicKey
        do {
            key = try PublicKey(hex: hex)
        } catch {
            throw ProtocolError(.badSignature, "sender \(hex.prefix(8)) is not a valid Ed25519 public key")
        }
        keys.withLock { cache in
            if cache.count >= InboundValidator.keyCacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[hex] = key
        }
        return key
    }
}
