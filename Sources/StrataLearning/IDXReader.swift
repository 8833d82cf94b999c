/// An unsigned-byte IDX array (the MNIST file format): its dimensions and its values, row-major.
public struct IDXArray: Sendable, Hashable {
    public let dimensions: [Int]
    public let values: [UInt8]
}

/// Reads IDX files (LeCun's format for MNIST and Fashion-MNIST): a 4-byte magic `00 00 08 d`
/// (unsigned bytes, `d` dimensions), `d` big-endian UInt32 sizes, then the values.
public enum IDXReader {
    /// Parses `bytes` (already decompressed), checking magic, dimension count and exact length.
    /// - Parameter expectedDimensions: e.g. 3 for images, 1 for labels.
    public static func parse(_ bytes: [UInt8], expectedDimensions: Int, name: String) throws -> IDXArray {
        guard bytes.count >= 4 else {
            throw LearningError(.badIDX, "\(name): \(bytes.count) bytes is too short for an IDX header")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw LearningError(.badIDX, "\(name): bad magic \(hex(bytes[0..<4])), an IDX file starts with 00 00")
        }
        guard bytes[2] == 0x08 else {
            throw LearningError(.badIDX, "\(name): element type 0x\(hex(bytes[2..<3])) is not unsigned byte (0x08)")
        }
        let rank = Int(bytes[3])
        guard rank == expectedDimensions else {
            throw LearningError(.badIDX, "\(name): has \(rank) dimensions, expected \(expectedDimensions)")
        }
        let headerLength = 4 + 4 * rank
        guard bytes.count >= headerLength else {
            throw LearningError(.badIDX, "\(name): truncated header (\(bytes.count) bytes, need \(headerLength))")
        }
        var dimensions: [Int] = []
        for axis in 0..<rank {
            let at = 4 + 4 * axis
            dimensions.append(Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]))
        }
        let expected = dimensions.reduce(1, *)
        let actual = bytes.count - headerLength
        guard actual == expected else {
            let shape = dimensions.map(String.init).joined(separator: "×")
            throw LearningError(.badIDX, "\(name): header says \(shape) = \(expected) values but the file holds \(actual)"
                + (actual < expected ? " (truncated)" : " (trailing bytes)"))
        }
        return IDXArray(dimensions: dimensions, values: Array(bytes[headerLength...]))
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }
}
