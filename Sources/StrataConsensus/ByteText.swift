/// Bytes as text in the Codable forms of consensus messages: lowercase hex for digests and
/// signatures, standard padded base64 (RFC 4648) for payloads. Hand-written so the core keeps no
/// dependencies; invalid text is a `DecodingError` naming where it was found.
enum ByteText {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(index) }
        return table
    }()

    static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ text: String, codingPath: [any CodingKey]) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw invalid("odd-length hex", codingPath) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { throw invalid("not lowercase hex", codingPath) }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ symbol: UInt8) -> UInt8? {
        switch symbol {
        case 0x30...0x39: symbol - 0x30
        case 0x61...0x66: symbol - 0x61 + 10
        default: nil
        }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(value >> UInt32(shift) & 0x3f)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let value = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(alphabet[Int(value >> 18 & 0x3f)])
            out.append(alphabet[Int(value >> 12 & 0x3f)])
            out.append(rest == 2 ? alphabet[Int(value >> 6 & 0x3f)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func base64(_ text: String, codingPath: [any CodingKey]) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 4 == 0 else { throw invalid("base64 length is not a multiple of 4", codingPath) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 4 * 3)
        var index = 0
        while index < utf8.count {
            let padding = (utf8[index + 3] == UInt8(ascii: "=") ? 1 : 0) + (utf8[index + 2] == UInt8(ascii: "=") ? 1 : 0)
            guard padding == 0 || index + 4 == utf8.count else { throw invalid("base64 padding before the end", codingPath) }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let symbol = utf8[index + offset]
                let digit: UInt8 = offset >= 4 - padding ? 0 : reverse[Int(symbol)]
                guard digit != 0xff else { throw invalid("not base64", codingPath) }
                value = value << 6 | UInt32(digit)
            }
            bytes.append(UInt8(value >> 16 & 0xff))
            if padding < 2 { bytes.append(UInt8(value >> 8 & 0xff)) }
            if padding < 1 { bytes.append(UInt8(value & 0xff)) }
            index += 4
        }
        return bytes
    }

    private static func invalid(_ what: String, _ codingPath: [any CodingKey]) -> DecodingError {
        .dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: what))
    }
}
