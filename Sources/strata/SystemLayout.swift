import Foundation
import StrataService

/// The folder `strata up` runs a whole system in:
/// `<root>/<instance>/` each service's data folder (key, SQLite, lock),
/// `<root>/endpoints/<instance>.json` where each one listens (written once bound),
/// `<root>/logs/<instance>.log` each one's log lines, `<root>/LOCK` held by `strata up`.
struct SystemLayout {
    let root: String

    var endpointsFolder: String { "\(root)/endpoints" }
    var logsFolder: String { "\(root)/logs" }

    func dataDir(_ instance: String) -> String { "\(root)/\(instance)" }
    func endpointsFile(_ instance: String) -> String { "\(endpointsFolder)/\(instance).json" }
    func logFile(_ instance: String) -> String { "\(logsFolder)/\(instance).log" }

    /// Every service that has written an endpoints file: (instance, request endpoint), bus first.
    func discover() throws -> [(instance: String, endpoint: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: endpointsFolder)) ?? []
        let found = names.filter { $0.hasSuffix(".json") }.compactMap { name -> (String, String)? in
            guard let endpoints = try? EndpointsFile.read("\(endpointsFolder)/\(name)"), let requests = endpoints["requests"] else { return nil }
            return (String(name.dropLast(5)), requests)
        }
        return found.sorted { ($0.0 == "bus" ? "" : $0.0) < ($1.0 == "bus" ? "" : $1.0) }
    }
}
