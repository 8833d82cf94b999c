import Foundation
public import StrataConsensus

/// A consensus group as its members know it: for each index, the member's Ed25519 public key, the
/// endpoint where it receives consensus messages (PULL) and its request endpoint (ROUTER).
/// Stored as `roster.json`; every member and client of the group uses the same file.
public struct Roster: Codable, Sendable, Hashable {
    public struct Member: Codable, Sendable, Hashable {
        public var publicKey: String
        public var consensus: String
        public var requests: String

        public init(publicKey: String, consensus: String, requests: String) {
            self.publicKey = publicKey
            self.consensus = consensus
            self.requests = requests
        }
    }

    /// Which chain this group agrees on (e.g. `lmuc/mec-0`, `gmuc/task-7`); goes into logs.
    public var chain: String
    public var members: [Member]

    public init(chain: String, members: [Member]) {
        self.chain = chain
        self.members = members
    }

    public static func load(_ path: String) throws -> Roster {
        let roster: Roster
        do {
            roster = try JSONDecoder().decode(Roster.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ConsensusNodeError("cannot read the roster \(path): \(error)")
        }
        try roster.validate()
        return roster
    }

    public func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public func validate() throws {
        guard members.count >= 1, members.count <= 1000 else {
            throw ConsensusNodeError("a roster needs 1 to 1000 members, this one has \(members.count)")
        }
        guard Set(members.map(\.publicKey)).count == members.count else { throw ConsensusNodeError("the roster lists a key twice") }
        for (index, member) in members.enumerated()
        where member.publicKey.utf8.count != 64 || !member.publicKey.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            throw ConsensusNodeError("member \(index): publicKey is not 64 lowercase hex digits")
        }
    }

    /// The core's configuration for this group.
    public func consensusConfig(requestTimeoutTicks: UInt64) -> ConsensusConfig {
        ConsensusConfig(members: members.count, requestTimeout: requestTimeoutTicks)
    }
}

/// A consensus node that cannot start or serve, said plainly.
public struct ConsensusNodeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
