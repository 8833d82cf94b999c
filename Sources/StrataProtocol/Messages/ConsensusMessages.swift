import Foundation

/// `consensus.submit`: hand a proposal (a batch of signed transactions) to a consensus member
/// (SPEC §9.8). With `wait_ms` > 0 the member answers once the proposal is committed there.
public struct ConsensusSubmit: MessageBody {
    public static let messageType = "consensus.submit"
    public static let maxPayloadBytes = 1 << 20

    /// Standard padded base64 of the proposal's bytes.
    public var payload: String
    public var waitMs: Int64

    enum CodingKeys: String, CodingKey {
        case payload
        case waitMs = "wait_ms"
    }

    public init(payload: [UInt8], waitMs: Int64 = 0) {
        self.payload = Data(payload).base64EncodedString()
        self.waitMs = waitMs
    }

    /// The proposal's bytes (checked by `validate`).
    public func bytes() throws(ProtocolError) -> [UInt8] {
        guard ModelParameters.isCanonicalBase64(payload), let data = Data(base64Encoded: payload) else {
            throw ProtocolError(.invalid, "body.payload: not canonical base64 (RFC 4648, padded)")
        }
        return [UInt8](data)
    }

    public func validate() throws(ProtocolError) {
        try Check.range(waitMs, 0...60_000, field: "wait_ms")
        let bytes = try bytes()
        guard !bytes.isEmpty, bytes.count <= Self.maxPayloadBytes else {
            throw ProtocolError(.invalid, "body.payload: \(bytes.count) bytes, 1 to \(Self.maxPayloadBytes) allowed")
        }
    }
}

/// `consensus.submit.ok`: the proposal's digest and, when it committed in time, its sequence.
public struct ConsensusSubmitOK: MessageBody {
    public static let messageType = "consensus.submit.ok"
    /// SHA-256 of the payload, hex.
    public var digest: String
    public var committed: Bool
    /// The sequence number it committed at (0 when not committed yet).
    public var sequence: Int64

    public init(digest: String, committed: Bool, sequence: Int64) {
        self.digest = digest
        self.committed = committed
        self.sequence = sequence
    }

    public func validate() throws(ProtocolError) {
        try Check.hex(digest, bytes: 32, field: "digest")
        try Check.range(sequence, 0...JSONValue.maxSafeInteger, field: "sequence")
    }
}

/// `consensus.status`: asks a member where it stands. The body is empty.
public struct ConsensusStatus: EmptyMessageBody {
    public static let messageType = "consensus.status"
    public init() {}
}

/// `consensus.status.ok`: the member's index, view, primary and how far it has executed.
public struct ConsensusStatusOK: MessageBody {
    public static let messageType = "consensus.status.ok"
    public var replica: Int64
    public var members: Int64
    public var view: Int64
    public var primary: Int64
    public var executed: Int64
    public var changingView: Bool
    /// Digest of the last non-null executed proposal (hex; empty before the first).
    public var stateDigest: String
    /// Consensus messages dropped (undecodable, non-member, bad signature, old view, duplicate, …).
    public var dropped: Int64

    enum CodingKeys: String, CodingKey {
        case replica, members, view, primary, executed, dropped
        case changingView = "changing_view"
        case stateDigest = "state_digest"
    }

    public init(replica: Int64, members: Int64, view: Int64, primary: Int64, executed: Int64, changingView: Bool, stateDigest: String,
                dropped: Int64 = 0) {
        self.dropped = dropped
        self.replica = replica
        self.members = members
        self.view = view
        self.primary = primary
        self.executed = executed
        self.changingView = changingView
        self.stateDigest = stateDigest
    }

    public func validate() throws(ProtocolError) {
        try Check.range(members, 1...1_000, field: "members")
        try Check.range(replica, 0...(members - 1), field: "replica")
        try Check.range(primary, 0...(members - 1), field: "primary")
        try Check.range(view, 0...JSONValue.maxSafeInteger, field: "view")
        try Check.range(executed, 0...JSONValue.maxSafeInteger, field: "executed")
        if !stateDigest.isEmpty { try Check.hex(stateDigest, bytes: 32, field: "state_digest") }
        try Check.range(dropped, 0...JSONValue.maxSafeInteger, field: "dropped")
    }
}
