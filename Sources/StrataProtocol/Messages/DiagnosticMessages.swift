/// `error`: the reply to any request that could not be served (SPEC §Error codes).
public struct ErrorReply: MessageBody {
    public static let messageType = "error"
    public var code: ProtocolError.Code
    public var message: String

    public init(code: ProtocolError.Code, message: String) {
        self.code = code
        self.message = String(message.prefix(1024))
    }

    public init(_ error: ProtocolError) { self.init(code: error.code, message: error.message) }

    public func validate() throws(ProtocolError) {
        try Check.length(message, max: 1024, field: "message")
    }
}

/// `diag.echo`: a request any service answers with the same text; a liveness and round-trip probe.
public struct DiagEcho: MessageBody {
    public static let messageType = "diag.echo"
    public var text: String
    public init(text: String) { self.text = text }
    public func validate() throws(ProtocolError) { try Check.length(text, max: 4096, field: "text") }
}

/// `diag.echo.ok`: the answer to `diag.echo`.
public struct DiagEchoOK: MessageBody {
    public static let messageType = "diag.echo.ok"
    public var text: String
    public init(text: String) { self.text = text }
    public func validate() throws(ProtocolError) { try Check.length(text, max: 4096, field: "text") }
}

/// `diag.note`: a short signed note on the bus (the demo's burst, the benchmark's small message).
public struct DiagNote: MessageBody {
    public static let messageType = "diag.note"
    public static let topicRule = TopicRule.exact("diag.note")
    public var n: Int64
    public var text: String
    public var value: Double?

    public init(n: Int64, text: String, value: Double? = nil) {
        self.n = n
        self.text = text
        self.value = value
    }

    public func validate() throws(ProtocolError) {
        try Check.range(n, 0...JSONValue.maxSafeInteger, field: "n")
        try Check.length(text, max: 4096, field: "text")
        if let value { try Check.finite(value, field: "value") }
    }
}

/// `diag.model`: a model-sized message (the benchmark of parameter transport).
public struct DiagModel: MessageBody {
    public static let messageType = "diag.model"
    public static let topicRule = TopicRule.exact("diag.model")
    public var model: ModelParameters
    public init(model: ModelParameters) { self.model = model }
    public func validate() throws(ProtocolError) { try model.validate(field: "model") }
}

/// The services that make up Strata; the last segment of heartbeat topics.
public enum ServiceName: String, Codable, Sendable, CaseIterable {
    case publisher, coordinator, mec, swarm, reputation, archiver, bus
}

/// `node.heartbeat`: every service publishes one per second on `node.heartbeat.<service>`.
public struct NodeHeartbeat: MessageBody {
    public static let messageType = "node.heartbeat"
    public static let topicRule = TopicRule.segment(prefix: "node.heartbeat", segments: Set(ServiceName.allCases.map(\.rawValue)))

    public enum Status: String, Codable, Sendable { case ok, degraded, stopping }

    public var service: ServiceName
    public var uptimeMs: Int64
    public var status: Status
    /// Which instance of the service (`mec-2`); optional.
    public var instance: String?
    /// The device swarm's number of devices; optional.
    public var devices: Int64?

    enum CodingKeys: String, CodingKey {
        case service
        case uptimeMs = "uptime_ms"
        case status
        case instance
        case devices
    }

    public init(service: ServiceName, uptimeMs: Int64, status: Status, instance: String? = nil, devices: Int64? = nil) {
        self.service = service
        self.uptimeMs = uptimeMs
        self.status = status
        self.instance = instance
        self.devices = devices
    }

    public func validate() throws(ProtocolError) {
        try Check.range(uptimeMs, 0...JSONValue.maxSafeInteger, field: "uptime_ms")
        if let instance { try Check.instanceName(instance, field: "instance") }
        if let devices { try Check.range(devices, 0...JSONValue.maxSafeInteger, field: "devices") }
    }

    public var topic: String { "node.heartbeat.\(service.rawValue)" }

    public func matches(topic: String) -> Bool { topic == self.topic }
}
