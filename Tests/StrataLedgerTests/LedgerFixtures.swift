import Foundation
import GRDB
import StrataCrypto
@testable import StrataLedger

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-ledger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes `chains` (each with its blobs) into a new ledger file through the production store.
func writeLedger(_ path: String, chains: [TestChain]) throws {
    let store = try LedgerStore.open(path: path)
    for chain in chains { try chain.write(to: store) }
}

/// Direct edits of a ledger file, as an attacker or a failing disk would make them: raw SQL on a
/// separate connection, bypassing the store.
struct RawLedgerFile {
    let queue: DatabaseQueue

    init(_ path: String) throws {
        queue = try DatabaseQueue(path: path)
    }

    func text(_ sql: String, _ arguments: StatementArguments) throws -> String {
        try queue.read { db in try String.fetchOne(db, sql: sql, arguments: arguments) ?? "" }
    }

    /// Flips the lowest bit of the first ASCII digit after `marker` in a text column: one byte,
    /// and the JSON stays well formed, so only the ledger's own checks can notice.
    func flipDigit(table: String, column: String, chain: String, height: Int64, position: Int64? = nil, after marker: String) throws {
        let filter = position.map { "chainId = ? AND height = ? AND position = \($0)" } ?? "chainId = ? AND height = ?"
        var bytes = Array(try text("SELECT \(column) FROM \(table) WHERE \(filter)", [chain, height]).utf8)
        let start = try require(bytes.firstRange(of: Array(marker.utf8))).upperBound
        // The last digit of the first run of digits: flipping a leading digit could make "0…", not JSON.
        var index = try require(bytes[start...].firstIndex { (0x30...0x39).contains($0) })
        while index + 1 < bytes.count, (0x30...0x39).contains(bytes[index + 1]) { index += 1 }
        bytes[index] ^= 0x01
        try queue.write { db in
            try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(filter)", arguments: [String(decoding: bytes, as: UTF8.self), chain, height])
        }
    }
}

private struct MissingMarker: Error {}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingMarker() }
    return value
}
