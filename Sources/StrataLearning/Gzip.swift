import CZlib

/// Decompresses gzip files (RFC 1952) with Debian's zlib; concatenated members are joined.
public enum Gzip {
    /// The decompressed bytes of `compressed`; `name` (usually the file path) goes into errors.
    public static func decompress(_ compressed: [UInt8], name: String) throws -> [UInt8] {
        guard compressed.count >= 18, compressed[0] == 0x1f, compressed[1] == 0x8b else {
            throw LearningError(.corruptGzip, "\(name): not a gzip file (no 1f 8b header)")
        }
        var output = [UInt8](repeating: 0, count: max(initialCapacity(compressed), 1 << 16))
        var produced = 0
        var stream = z_stream()
        guard strata_inflate_init_gzip(&stream) == Z_OK else {
            throw LearningError(.corruptGzip, "\(name): zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(min(out.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (gzip -c a b > c); anything else is garbage.
                    if stream.avail_in == 0 { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw LearningError(.corruptGzip, "\(name): cannot read the next gzip member")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw LearningError(.corruptGzip, "\(name): truncated gzip stream (ends after \(produced) bytes of output)")
                case Z_BUF_ERROR:
                    continue
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw LearningError(.corruptGzip, "\(name): corrupt gzip data (\(detail))")
                }
            }
        }
        output.removeSubrange(produced..<output.count)
        return output
    }

    /// The ISIZE trailer (uncompressed size mod 2^32) as a first guess, capped at 1 GiB.
    private static func initialCapacity(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        let size = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
        return min(size, 1 << 30)
    }
}
