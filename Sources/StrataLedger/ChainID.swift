/// The three kinds of chain of the two-layer architecture (paper §III; ARCHITECTURE.md §5).
public enum ChainKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Local model update chain: one per MEC node, its devices' registrations, tasks, updates, payments.
    case lmuc
    /// A GMUC shard chain: one per task shard, LMUC references, scores, accepted set, aggregate.
    case shard
    /// The GMUC root chain: the MEC registry and shard formation.
    case root
}

/// A chain's identity, written `kind/name` (`lmuc/mec-1`, `shard/task-7`, `root/gmuc`).
///
/// The name is 1–64 characters of `a-z 0-9 . _ -`, so ids are safe in file names, logs and SQL.
public struct ChainID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let kind: ChainKind
    public let name: String

    public init(kind: ChainKind, name: String) throws(LedgerError) {
        guard (1...64).contains(name.utf8.count), name.utf8.allSatisfy(ChainID.isNameByte) else {
            throw LedgerError(.malformed, "chain name \"\(name)\" must be 1–64 characters of a-z 0-9 . _ -")
        }
        self.kind = kind
        self.name = name
    }

    /// Parses `kind/name`.
    public init(_ text: String) throws(LedgerError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let kind = ChainKind(rawValue: String(parts[0])) else {
            throw LedgerError(.malformed, "chain id \"\(text.prefix(80))\" is not kind/name with kind lmuc, shard or root")
        }
        try self.init(kind: kind, name: String(parts[1]))
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func < (lhs: ChainID, rhs: ChainID) -> Bool { lhs.description < rhs.description }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
