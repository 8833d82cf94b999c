public import StrataCrypto
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time in Unix milliseconds (the envelope's `ts`) and microseconds (the first `seq`).
public enum WallClock {
    public static func nowMillis() -> Int64 { nowMicros() / 1000 }

    public static func nowMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}

/// A signed envelope ready to send: the envelope and its wire bytes.
public struct SealedMessage: Sendable {
    public let envelope: Envelope
    public let wire: [UInt8]
}

/// Seals outgoing messages for one identity: fresh id, the next sequence number, timestamp, signature.
///
/// Sequence numbers start at the current time in microseconds and grow by one per message, so a
/// restarted sender stays above everything it sent before without storing a counter (SPEC §Replay).
public final class EnvelopeSigner: Sendable {
    public let key: SigningKey
    private let nextSeq: Mutex<Int64>

    public init(key: SigningKey, firstSeq: Int64 = WallClock.nowMicros()) {
        self.key = key
        self.nextSeq = Mutex(firstSeq)
    }

    public var sender: PublicKey { key.publicKey }

    public func seal<Body: MessageBody>(_ body: Body, re: String? = nil, now: Int64 = WallClock.nowMillis()) throws(ProtocolError) -> SealedMessage {
        let value = try JSONValueEncoder.encode(body)
        return seal(type: Body.messageType, body: value, re: re, now: now)
    }

    /// Seals an already-encoded body (used by tools that forward or craft raw bodies).
    public func seal(type: String, body: JSONValue, re: String? = nil, now: Int64 = WallClock.nowMillis()) -> SealedMessage {
        let seq = nextSeq.withLock { value in
            defer { value += 1 }
            return value
        }
        var envelope = Envelope(type: type, id: EnvelopeSigner.newMessageID(), re: re, sender: key.publicKey.hex,
                                seq: seq, ts: now, body: body)
        envelope.sig = Hex.encode(key.sign(envelope.canonicalBytes()))
        return SealedMessage(envelope: envelope, wire: envelope.wireBytes())
    }

    /// 16 bytes from the system CSPRNG as 32 lowercase hex digits.
    public static func newMessageID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return Hex.encode((0..<8).map { UInt8(truncatingIfNeeded: high >> ($0 * 8)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> ($0 * 8)) })
    }
}
