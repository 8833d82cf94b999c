import ArgumentParser
import Foundation

/// Finding and reading the files `strata ledger` works on.
enum LedgerFiles {
    static func isRegularFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
    }

    static func isDirectory(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Every `*.sqlite` file under `folder`, recursively, sorted by path.
    static func sqliteFiles(under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found = [String]()
        while let relative = walker.nextObject() as? String {
            let path = (folder as NSString).appendingPathComponent(relative)
            if relative.hasSuffix(".sqlite"), isRegularFile(path) { found.append(path) }
        }
        return found.sorted()
    }

    /// Reads a file, or standard input for nil or "-", refusing more than `limit` bytes.
    static func read(_ path: String?, limit: Int) throws -> [UInt8] {
        let handle: FileHandle
        if let path, path != "-" {
            guard let opened = FileHandle(forReadingAtPath: path) else { throw ValidationError("cannot read \(path)") }
            handle = opened
        } else {
            handle = FileHandle.standardInput
        }
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else { throw ValidationError("\(path ?? "stdin") is larger than \(limit) bytes") }
        return [UInt8](data)
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
