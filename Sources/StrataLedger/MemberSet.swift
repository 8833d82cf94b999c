public import StrataCrypto

/// The validators of a chain at one height: the keys whose commit votes form quorum certificates.
///
/// Kept sorted by raw key bytes and free of duplicates. PBFT (Castro & Liskov) tolerates
/// f = ⌊(n − 1) / 3⌋ faulty members; a quorum is more than two thirds, ⌊2n / 3⌋ + 1, which is 2f + 1
/// when n = 3f + 1 and never less than 2f + 1 otherwise (two quorums always share an honest member).
public struct MemberSet: Sendable, Hashable {
    public let keys: [PublicKey]

    public init(_ keys: [PublicKey]) throws(LedgerError) {
        guard !keys.isEmpty else { throw LedgerError(.malformed, "a member set needs at least one member") }
        guard keys.count <= LedgerLimits.maxMembers else {
            throw LedgerError(.tooLarge, "a member set of \(keys.count) exceeds the limit of \(LedgerLimits.maxMembers)")
        }
        let sorted = keys.sorted { $0.rawBytes.lexicographicallyPrecedes($1.rawBytes) }
        for index in sorted.indices.dropFirst() where sorted[index] == sorted[index - 1] {
            throw LedgerError(.malformed, "member \(sorted[index].shortID) appears twice in a member set")
        }
        self.keys = sorted
    }

    /// Parses lowercase-hex keys.
    public init(hex: [String]) throws(LedgerError) {
        var keys = [PublicKey]()
        for text in hex { keys.append(try LedgerKey.parse(text, field: "member")) }
        try self.init(keys)
    }

    public var count: Int { keys.count }
    /// The number of faulty members tolerated: ⌊(n − 1) / 3⌋.
    public var maxFaulty: Int { (keys.count - 1) / 3 }
    /// Votes needed for a quorum certificate: ⌊2n / 3⌋ + 1 (= 2f + 1 for n = 3f + 1).
    public var quorum: Int { keys.count * 2 / 3 + 1 }

    public func contains(_ key: PublicKey) -> Bool { keys.contains(key) }
    public var hex: [String] { keys.map(\.hex) }
}

/// Parsing of the lowercase-hex Ed25519 keys that ledger objects carry.
public enum LedgerKey {
    public static func parse(_ text: String, field: String) throws(LedgerError) -> PublicKey {
        guard Hex.isLowercase(text, byteCount: 32) else {
            throw LedgerError(.malformed, "\(field) \"\(text.prefix(80))\" is not 64 lowercase hex digits")
        }
        do {
            return try PublicKey(hex: text)
        } catch {
            throw LedgerError(.malformed, "\(field) \(text.prefix(8)) is not an Ed25519 public key: \(error.message)")
        }
    }
}
