import Foundation

/// A small JSON file of `name -> endpoint` a service writes once it has bound its sockets, so tools
/// and tests that started it on `:*` ports can find it.
public enum EndpointsFile {
    public static func write(_ endpoints: [String: String], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: endpoints, options: [.sortedKeys, .prettyPrinted])
        let temporary = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        // rename(2) is atomic: a reader sees the whole file or none.
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    public static func read(_ path: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: String] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return object
    }
}
