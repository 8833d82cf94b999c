public import StrataProtocol

/// What every service process is configured with (flags and `STRATA_*` variables map onto it;
/// docs/configuration.md lists every key). Service-specific settings live beside it.
public struct ServiceConfiguration: Sendable, Hashable {
    public var kind: ServiceName
    /// This instance's name, unique within a deployment (`mec-2`); heartbeats and health carry it.
    public var instance: String
    /// The service's own folder: its key, its SQLite file, its lock.
    public var dataDir: String
    /// Where its ROUTER request endpoint binds (`tcp://127.0.0.1:*` picks a free port).
    public var requests: String
    /// The bus's XSUB frontend it publishes to.
    public var busFrontend: String
    /// The bus's XPUB backend, for services that subscribe.
    public var busBackend: String
    public var heartbeatMillis: Int = 1_000
    /// A file to write `{"requests": …}` to once bound (for `strata up` and tools).
    public var endpointsFile: String?
    /// A folder of trusted public keys (`*.pub`, 64 hex each); when set, requests from other keys
    /// are refused with `unknown_sender` (SPEC §12 step 8). `nil` accepts any correctly signed sender.
    public var trustedKeysDir: String?

    public init(kind: ServiceName, instance: String? = nil, dataDir: String, requests: String,
                busFrontend: String = "tcp://127.0.0.1:7400", busBackend: String = "tcp://127.0.0.1:7401") {
        self.kind = kind
        self.instance = instance ?? "\(kind.rawValue)-0"
        self.dataDir = dataDir
        self.requests = requests
        self.busFrontend = busFrontend
        self.busBackend = busBackend
    }

    /// Checks every field; the error names the field and what is wrong with it.
    public func validate() throws(ServiceError) {
        do {
            try HealthGetOK(service: kind, instance: instance, status: .ok, version: "0", uptimeMs: 0,
                            identity: String(repeating: "0", count: 64), dbBytes: 0, received: 0, rejected: [:],
                            published: 0).validate()
        } catch {
            throw ServiceError(.configuration, "instance \"\(instance)\" must be a-z, then a-z 0-9 -, at most 64 characters")
        }
        guard !dataDir.isEmpty else { throw ServiceError(.configuration, "the data folder must not be empty") }
        for (name, endpoint) in [("requests", requests), ("bus frontend", busFrontend), ("bus backend", busBackend)]
        where !EndpointSyntax.isValid(endpoint) {
            throw ServiceError(.configuration, "\(name) \"\(endpoint)\" is not a ZeroMQ endpoint (tcp://HOST:PORT, tcp://HOST:*, ipc://PATH)")
        }
        guard heartbeatMillis >= 0 else { throw ServiceError(.configuration, "heartbeat interval must be 0 (off) or positive, got \(heartbeatMillis)") }
    }
}

/// Endpoint syntax checks shared by every command that takes one.
public enum EndpointSyntax {
    public static func isValid(_ text: String) -> Bool {
        if text.hasPrefix("ipc://") { return text.count > 6 }
        guard text.hasPrefix("tcp://"), let colon = text.lastIndex(of: ":"), colon > text.index(text.startIndex, offsetBy: 6) else {
            return false
        }
        let port = text[text.index(after: colon)...]
        return port == "*" || (UInt16(port).map { $0 > 0 } ?? false)
    }
}

/// A service start-up or configuration problem, said plainly, with a stable code.
public struct ServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case configuration
        case dataDirInUse = "data_dir_in_use"
        case storage
        case identity
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
