/// Builds gzip files in the test itself: deflate "stored" blocks (RFC 1951 §3.2.4) inside gzip
/// framing (RFC 1952) with a real CRC-32, so fixtures need no compressor.
enum GzipFixture {
    static func gzip(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]
        var start = 0
        repeat {
            let end = min(start + 65_535, payload.count)
            let length = UInt16(end - start)
            out.append(end == payload.count ? 1 : 0)
            out += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8(~length >> 8)]
            out += payload[start..<end]
            start = end
        } while start < payload.count
        out += littleEndian(crc32(payload)) + littleEndian(UInt32(truncatingIfNeeded: payload.count))
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
    }

    /// An IDX file of unsigned bytes: magic 00 00 08 rank, big-endian sizes, values.
    static func idx(_ dimensions: [Int], values: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for size in dimensions { out += [UInt8(size >> 24 & 0xff), UInt8(size >> 16 & 0xff), UInt8(size >> 8 & 0xff), UInt8(size & 0xff)] }
        return out + values
    }
}
