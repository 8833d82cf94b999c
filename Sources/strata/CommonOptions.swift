import ArgumentParser
import Foundation
import Logging
import StrataCrypto

/// Options every long-running command shares.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env STRATA_LOG_LEVEL).")
    var logLevel: String = environment("STRATA_LOG_LEVEL") ?? "info"

    @Option(help: "Log format: text (one readable line per event) or json (one JSON object per line) (env STRATA_LOG_FORMAT).")
    var logFormat: String = environment("STRATA_LOG_FORMAT") ?? "text"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \"\(logLevel)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json") }
    }

    /// Sets up swift-log once: one line per event on stderr, at `logLevel`, as text or JSON.
    func bootstrap(label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { name in
            if json { return JSONLogHandler(label: name, logLevel: level) }
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

/// Where a service keeps its state and key, with the `STRATA_DATA_DIR` fallback containers use.
struct DataDirOption: ParsableArguments {
    @Option(help: ArgumentHelp("Folder for this service's state and key (env STRATA_DATA_DIR).", valueName: "dir"))
    var dataDir: String?

    func resolved(service: String) -> String {
        dataDir ?? ProcessInfo.processInfo.environment["STRATA_DATA_DIR"].map { "\($0)/\(service)" } ?? "strata-data/\(service)"
    }

    /// The service's Ed25519 identity: created (0600) on first start, reused afterwards.
    func identity(service: String) throws -> (key: SigningKey, path: String, created: Bool) {
        let folder = resolved(service: service)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = "\(folder)/identity.key"
        let (key, created) = try KeyFile.loadOrCreate(at: path)
        return (key, path, created)
    }
}

/// Reads an environment variable as a default for a flag (containers configure through env).
func environment(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}
