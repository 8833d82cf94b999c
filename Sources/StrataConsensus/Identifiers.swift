/// A member of a consensus group: an index in `0..<n` into the group's ordered member list.
///
/// The driver maps each index to the member's Ed25519 public key; the core only sees indices.
public struct ReplicaID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ index: Int) { self.rawValue = index }

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "r\(rawValue)" }
}

/// The digest of a proposal's payload, computed by the driver (SHA-256 in the live driver).
///
/// The core never hashes: it compares digests and asks the injected `ProposalValidator` whether a
/// payload matches its digest. The empty digest is reserved for the null request (§4.4).
public struct Digest: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The digest of the null request a new primary uses to fill gaps (Castro & Liskov §4.4).
    public static let null = Digest([])

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// Hashes the bytes in one call (an array of bytes would feed the hasher byte by byte).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public var description: String {
        bytes.isEmpty ? "null" : bytes.prefix(6).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// Encoded as lowercase hex (the empty string for the null digest).
    public init(from decoder: any Decoder) throws {
        bytes = try ByteText.hex(try decoder.singleValueContainer().decode(String.self), codingPath: decoder.codingPath)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ByteText.hex(bytes))
    }
}

/// What the group agrees on at one sequence number: opaque payload bytes plus their digest.
///
/// In Strata a proposal is a block (LMUC) or a round result with its aggregate (GMUC shard chain).
public struct Proposal: Hashable, Codable, Sendable {
    public let payload: [UInt8]
    public let digest: Digest

    public init(payload: [UInt8], digest: Digest) {
        self.payload = payload
        self.digest = digest
    }

    /// The null request: executes as a no-op (Castro & Liskov §4.4, new-view message).
    public static let null = Proposal(payload: [], digest: .null)

    public var isNull: Bool { digest == .null }

    private enum CodingKeys: String, CodingKey { case payload, digest }

    /// The payload travels as base64 (a block can be large; a JSON number array would be ~4x bigger).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        payload = try ByteText.base64(try container.decode(String.self, forKey: .payload), codingPath: container.codingPath)
        digest = try container.decode(Digest.self, forKey: .digest)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ByteText.base64(payload), forKey: .payload)
        try container.encode(digest, forKey: .digest)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
