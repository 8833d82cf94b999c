import Foundation
import Testing
@testable import StrataCrypto

struct KeyFileTests {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("strata-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a written key file has mode 0600 and loads back to the same key")
    func roundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("node.key").path
        let key = try SigningKey()
        try KeyFile.write(key, to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let loaded = try KeyFile.load(from: path)
        #expect(loaded.publicKey == key.publicKey)
        #expect(try loaded.seed() == key.seed())
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("loadOrCreate creates once, then reuses the same identity")
    func loadOrCreate() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("id.key").path
        let first = try KeyFile.loadOrCreate(at: path)
        let second = try KeyFile.loadOrCreate(at: path)
        #expect(first.created && !second.created)
        #expect(first.key.publicKey == second.key.publicKey)
    }

    @Test("an existing file is never overwritten")
    func noOverwrite() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("id.key").path
        try KeyFile.write(try SigningKey(), to: path)
        #expect(throws: CryptoError.self) { try KeyFile.write(try SigningKey(), to: path) }
    }

    @Test("a world-readable, corrupt or missing key file is refused with a message naming it")
    func refusals() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("id.key").path
        try KeyFile.write(try SigningKey(), to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect {
            try KeyFile.load(from: path)
        } throws: { error in
            (error as? CryptoError)?.message.contains("mode 644") == true
        }
        let corrupt = folder.appendingPathComponent("corrupt.key").path
        _ = FileManager.default.createFile(atPath: corrupt, contents: Data("not a key".utf8), attributes: [.posixPermissions: 0o600])
        #expect(throws: CryptoError(.keyFile, "\(corrupt) is not a PEM private key")) {
            try KeyFile.load(from: corrupt)
        }
        #expect {
            try KeyFile.load(from: folder.appendingPathComponent("missing.key").path)
        } throws: { error in
            (error as? CryptoError)?.code == .keyFile
        }
    }
}
