/// `health.get`: asks any service for its health report (SPEC §9.7). The body is empty.
public struct HealthGet: EmptyMessageBody {
    public static let messageType = "health.get"
    public init() {}
}

/// A request whose body is `{}`: decoding reads it as an object with no members, so any member is
/// `invalid` (an empty struct's synthesized decoding would not look at the body at all).
public protocol EmptyMessageBody: MessageBody {
    init()
}

private enum NoMembers: CodingKey {}

extension EmptyMessageBody {
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: NoMembers.self)
        self.init()
    }

    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: NoMembers.self)
    }
}

/// `health.get.ok`: who the service is, how long it has run, its database size and its counters.
public struct HealthGetOK: MessageBody {
    public static let messageType = "health.get.ok"

    public var service: ServiceName
    public var instance: String
    public var status: NodeHeartbeat.Status
    public var version: String
    public var uptimeMs: Int64
    /// The service's Ed25519 public key (hex); equals the reply's `sender`.
    public var identity: String
    public var dbBytes: Int64
    public var received: Int64
    /// Messages rejected at its boundaries, by error code.
    public var rejected: [String: Int64]
    public var published: Int64
    public var devices: Int64?

    enum CodingKeys: String, CodingKey {
        case service, instance, status, version, identity, received, rejected, published, devices
        case uptimeMs = "uptime_ms"
        case dbBytes = "db_bytes"
    }

    public init(service: ServiceName, instance: String, status: NodeHeartbeat.Status, version: String, uptimeMs: Int64,
                identity: String, dbBytes: Int64, received: Int64, rejected: [String: Int64], published: Int64,
                devices: Int64? = nil) {
        self.service = service
        self.instance = instance
        self.status = status
        self.version = version
        self.uptimeMs = uptimeMs
        self.identity = identity
        self.dbBytes = dbBytes
        self.received = received
        self.rejected = rejected
        self.published = published
        self.devices = devices
    }

    public func validate() throws(ProtocolError) {
        try Check.instanceName(instance, field: "instance")
        let versionOK = (1...32).contains(version.utf8.count) && version.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x2e || byte == 0x2b || byte == 0x2d
        }
        guard versionOK else { throw ProtocolError(.invalid, "body.version: \"\(version.prefix(40))\" is not a version string") }
        try Check.hex(identity, bytes: 32, field: "identity")
        let bound = 0...JSONValue.maxSafeInteger
        try Check.range(uptimeMs, bound, field: "uptime_ms")
        try Check.range(dbBytes, bound, field: "db_bytes")
        try Check.range(received, bound, field: "received")
        try Check.range(published, bound, field: "published")
        if let devices { try Check.range(devices, bound, field: "devices") }
        for (code, count) in rejected {
            guard ProtocolError.Code(rawValue: code) != nil else {
                throw ProtocolError(.invalid, "body.rejected: \"\(code.prefix(40))\" is not an error code")
            }
            try Check.range(count, bound, field: "rejected.\(code)")
        }
    }
}
