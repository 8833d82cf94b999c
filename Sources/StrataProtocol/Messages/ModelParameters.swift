import Foundation
import StrataCrypto

/// Model parameters on the wire: base64 of little-endian Float32 with their SHA-256 (SPEC §ModelParameters).
/// Base64 instead of a JSON number array: ~1.3 ms versus ~39 ms for a 101,770-parameter model.
public struct ModelParameters: Codable, Sendable, Equatable {
    public static let maxCount = 50_000_000

    /// The parameter layout, e.g. `logreg-784-10` or `mlp-784-128-10` (docs/learning.md).
    public var layout: String
    public var count: Int
    public var dtype: String
    public var sha256: String
    public var data: String

    public init(layout: String, count: Int, dtype: String = "f32le", sha256: String, data: String) {
        self.layout = layout
        self.count = count
        self.dtype = dtype
        self.sha256 = sha256
        self.data = data
    }

    /// Packs `values` as little-endian Float32, hashes and base64-encodes them.
    public init(layout: String, values: [Float]) {
        let bytes = ModelParameters.littleEndianBytes(values)
        self.init(layout: layout, count: values.count, sha256: SHA256.hash(bytes).hex,
                  data: Data(bytes).base64EncodedString())
    }

    static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        return bytes
    }

    /// Decodes and checks the parameters: base64, length, digest. Throws `invalid` naming the problem.
    public func values(field: String = "model") throws(ProtocolError) -> [Float] {
        try validateShape(field: field)
        guard ModelParameters.isCanonicalBase64(data), let bytes = Data(base64Encoded: data) else {
            throw ProtocolError(.invalid, "body.\(field).data: not canonical base64 (RFC 4648, padded, unused bits zero)")
        }
        guard bytes.count == count * 4 else {
            throw ProtocolError(.invalid, "body.\(field).data: \(bytes.count) bytes, count \(count) needs \(count * 4)")
        }
        let digest = bytes.withUnsafeBytes { SHA256.hash(buffer: $0) }
        guard digest.hex == sha256 else {
            throw ProtocolError(.invalid, "body.\(field).sha256: does not match the data (got \(digest.hex))")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                values[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
        return values
    }

    /// Standard alphabet, padded to a multiple of 4, and the bits that padding leaves unused are zero
    /// (so each byte string has exactly one encoding).
    static func isCanonicalBase64(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count % 4 == 0 else { return false }
        func sextet(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x41...0x5a: c - 0x41
            case 0x61...0x7a: c - 0x61 + 26
            case 0x30...0x39: c - 0x30 + 52
            case 0x2b: 62
            case 0x2f: 63
            default: nil
            }
        }
        let padding = utf8.suffix(2).filter { $0 == 0x3d }.count
        guard padding == 0 || utf8.count >= 4, !utf8.dropLast(padding).contains(0x3d) else { return false }
        if padding > 0, utf8[utf8.count - 1] != 0x3d { return false }
        for c in utf8.dropLast(padding) where sextet(c) == nil { return false }
        guard padding > 0, let last = sextet(utf8[utf8.count - 1 - padding]) else { return true }
        return padding == 2 ? last & 0x0f == 0 : last & 0x03 == 0
    }

    public func validate(field: String) throws(ProtocolError) {
        _ = try values(field: field)
    }

    func validateShape(field: String) throws(ProtocolError) {
        guard !layout.isEmpty, layout.utf8.count <= 64,
              layout.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }) else {
            throw ProtocolError(.invalid, "body.\(field).layout: expected 1-64 of a-z, 0-9 and '-'")
        }
        try Check.range(count, 1...ModelParameters.maxCount, field: "\(field).count")
        guard dtype == "f32le" else { throw ProtocolError(.invalid, "body.\(field).dtype: only \"f32le\" is defined") }
        guard Hex.isLowercase(sha256, byteCount: 32) else {
            throw ProtocolError(.invalid, "body.\(field).sha256: expected 64 lowercase hex digits")
        }
    }
}
