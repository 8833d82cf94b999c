import StrataCrypto

/// The one envelope every Strata message travels in (`proto-schemas/SPEC.md` §Envelope).
public struct Envelope: Sendable, Hashable {
    public static let protocolID = "strata/1"
    static let fields: Set<String> = ["proto", "type", "id", "re", "sender", "seq", "ts", "body", "sig"]

    public var proto: String
    public var type: String
    public var id: String
    /// The id of the request this reply answers; required on `*.ok` and `error` replies.
    public var re: String?
    /// Lowercase hex of the sender's Ed25519 public key.
    public var sender: String
    public var seq: Int64
    /// Unix milliseconds, UTC.
    public var ts: Int64
    public var body: JSONValue
    /// Lowercase hex of the Ed25519 signature over `canonicalBytes()`.
    public var sig: String

    public init(proto: String = Envelope.protocolID, type: String, id: String, re: String? = nil, sender: String,
                seq: Int64, ts: Int64, body: JSONValue, sig: String = "") {
        self.proto = proto
        self.type = type
        self.id = id
        self.re = re
        self.sender = sender
        self.seq = seq
        self.ts = ts
        self.body = body
        self.sig = sig
    }

    /// True for reply types, which must carry `re`.
    public static func isReply(_ type: String) -> Bool { type == "error" || type.hasSuffix(".ok") }

    func members(includingSignature: Bool) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "proto": .string(proto), "type": .string(type), "id": .string(id), "sender": .string(sender),
            "seq": .integer(seq), "ts": .integer(ts), "body": body,
        ]
        if let re { members["re"] = .string(re) }
        if includingSignature { members["sig"] = .string(sig) }
        return members
    }

    /// The bytes the signature covers: JCS of the envelope without `sig`.
    public func canonicalBytes() -> [UInt8] {
        var out = [UInt8]()
        CanonicalJSON.writeObject(members(includingSignature: false), into: &out)
        return out
    }

    /// The form senders put on the wire: JCS of the whole envelope, signature included.
    public func wireBytes() -> [UInt8] {
        var out = [UInt8]()
        CanonicalJSON.writeObject(members(includingSignature: true), into: &out)
        return out
    }

    /// Step 3 of validation: the envelope's shape (required keys, types, patterns, no extra keys).
    public init(shape value: JSONValue) throws(ProtocolError) {
        guard case .object(let members) = value else {
            throw ProtocolError(.malformed, "a message must be a JSON object, found \(value.typeName)")
        }
        if let extra = members.keys.sorted().first(where: { !Envelope.fields.contains($0) }) {
            throw ProtocolError(.invalid, "envelope: unexpected field \"\(extra)\"")
        }
        func string(_ key: String) throws(ProtocolError) -> String {
            guard let field = members[key] else { throw ProtocolError(.invalid, "envelope: missing field \"\(key)\"") }
            guard case .string(let text) = field else {
                throw ProtocolError(.invalid, "envelope.\(key): expected a string, found \(field.typeName)")
            }
            return text
        }
        func integer(_ key: String) throws(ProtocolError) -> Int64 {
            guard let field = members[key] else { throw ProtocolError(.invalid, "envelope: missing field \"\(key)\"") }
            guard let number = field.integerValue, number >= 0 else {
                throw ProtocolError(.invalid, "envelope.\(key): expected a non-negative integer, found \(field.typeName)")
            }
            return number
        }
        proto = try string("proto")
        type = try string("type")
        id = try string("id")
        sender = try string("sender")
        sig = try string("sig")
        re = members["re"] == nil ? nil : try string("re")
        seq = try integer("seq")
        ts = try integer("ts")
        guard let body = members["body"] else { throw ProtocolError(.invalid, "envelope: missing field \"body\"") }
        guard case .object = body else { throw ProtocolError(.invalid, "envelope.body: expected an object, found \(body.typeName)") }
        self.body = body
        guard Envelope.isProtocolPattern(proto) else { throw ProtocolError(.invalid, "envelope.proto: \"\(proto)\" is not of the form strata/N") }
        guard Envelope.isTypePattern(type) else { throw ProtocolError(.invalid, "envelope.type: \"\(type)\" is not a domain.action name") }
        guard Hex.isLowercase(id, byteCount: 16) else { throw ProtocolError(.invalid, "envelope.id: expected 32 lowercase hex digits") }
        if let re, !Hex.isLowercase(re, byteCount: 16) { throw ProtocolError(.invalid, "envelope.re: expected 32 lowercase hex digits") }
        guard Hex.isLowercase(sender, byteCount: 32) else { throw ProtocolError(.invalid, "envelope.sender: expected 64 lowercase hex digits") }
        guard Hex.isLowercase(sig, byteCount: 64) else { throw ProtocolError(.invalid, "envelope.sig: expected 128 lowercase hex digits") }
        if Envelope.isReply(type), re == nil { throw ProtocolError(.invalid, "envelope: a \(type) reply must carry \"re\"") }
    }

    static func isProtocolPattern(_ text: String) -> Bool {
        guard text.hasPrefix("strata/") else { return false }
        let version = text.utf8.dropFirst(7)
        return !version.isEmpty && version.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `domain.action`: non-empty dot-separated segments of lowercase letters and digits, at most
    /// 64 bytes (`^[a-z0-9]+(\.[a-z0-9]+)*$`, as in the schema).
    static func isTypePattern(_ text: String) -> Bool {
        guard text.utf8.count <= 64 else { return false }
        let segments = text.utf8.split(separator: 0x2e, omittingEmptySubsequences: false)
        return segments.allSatisfy { segment in
            !segment.isEmpty && segment.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) }
        }
    }
}
