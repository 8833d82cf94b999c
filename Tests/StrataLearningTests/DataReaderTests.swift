import Foundation
import StrataLearning
import Testing

@Suite("Reading gzip, IDX and CSV files")
struct DataReaderTests {
    @Test("A gzip file decompresses to its original bytes, also across several stored blocks")
    func gzipRoundTrip() throws {
        let payload = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(try Gzip.decompress(GzipFixture.gzip(payload), name: "fixture.gz") == payload)
    }

    @Test("A truncated gzip file is reported as truncated, naming the file")
    func gzipTruncated() throws {
        let file = GzipFixture.gzip(Array(repeating: 7, count: 5_000))
        let error = #expect(throws: LearningError.self) { try Gzip.decompress(Array(file.prefix(2_000)), name: "cut.gz") }
        #expect(error?.code == .corruptGzip)
        #expect(error?.message.contains("cut.gz") == true)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test("A gzip file with a wrong checksum or no gzip header is refused")
    func gzipCorrupt() throws {
        var file = GzipFixture.gzip(Array(repeating: 1, count: 100))
        file[file.count - 6] ^= 0xff // inside the CRC-32
        let crc = #expect(throws: LearningError.self) { try Gzip.decompress(file, name: "crc.gz") }
        #expect(crc?.code == .corruptGzip)
        #expect(crc?.message.contains("crc.gz") == true)
        let plain = #expect(throws: LearningError.self) { try Gzip.decompress(Array("0,1,2\n".utf8) + Array(repeating: 0, count: 20), name: "plain.csv.gz") }
        #expect(plain?.message.contains("not a gzip file") == true)
    }

    @Test("An IDX file gives its dimensions and values")
    func idxValid() throws {
        let array = try IDXReader.parse(GzipFixture.idx([2, 3], values: [1, 2, 3, 4, 5, 6]), expectedDimensions: 2, name: "ok")
        #expect(array.dimensions == [2, 3])
        #expect(array.values == [1, 2, 3, 4, 5, 6])
    }

    @Test("IDX files with a bad magic, wrong rank or wrong length are refused with the reason")
    func idxBad() throws {
        let cases: [([UInt8], String)] = [
            ([0, 1, 8, 1, 0, 0, 0, 1, 5], "bad magic"),
            ([0, 0, 0x0d, 1, 0, 0, 0, 1, 5], "not unsigned byte"),
            (GzipFixture.idx([1], values: [5]), "has 1 dimensions, expected 3"),
            (GzipFixture.idx([2, 2, 2], values: [1, 2, 3]), "truncated"),
            (GzipFixture.idx([1, 1, 1], values: [1, 2]), "trailing bytes"),
            ([0, 0, 8, 3, 0, 0], "truncated header"),
        ]
        for (bytes, reason) in cases {
            let error = #expect(throws: LearningError.self) { try IDXReader.parse(bytes, expectedDimensions: 3, name: "images.idx") }
            #expect(error?.code == .badIDX)
            #expect(error?.message.contains(reason) == true, "\(error?.message ?? "") should say \(reason)")
            #expect(error?.message.hasPrefix("images.idx") == true)
        }
    }

    @Test("An IDX image and label pair on disk loads; a count mismatch names the label file")
    func idxPairOnDisk() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/fashion-mnist", withIntermediateDirectories: true)
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(GzipFixture.gzip(bytes)).write(to: URL(fileURLWithPath: DatasetCatalog.fmnistPath(folder, name)))
        }
        try write("a-images-idx3", GzipFixture.idx([2, 28, 28], values: (0..<1568).map { UInt8($0 % 256) }))
        try write("a-labels-idx1", GzipFixture.idx([2], values: [3, 9]))
        let data = try DatasetCatalog.loadIDXPair(folder, images: "a-images-idx3", labels: "a-labels-idx1", expected: 2)
        #expect(data.count == 2)
        #expect(data.labels == [3, 9])
        #expect(data.features[255] == 1 && data.features[1] == Float(1) / 255)

        try write("a-labels-idx1", GzipFixture.idx([3], values: [3, 9, 1]))
        let error = #expect(throws: LearningError.self) {
            try DatasetCatalog.loadIDXPair(folder, images: "a-images-idx3", labels: "a-labels-idx1", expected: nil)
        }
        #expect(error?.message.contains("a-labels-idx1-ubyte.gz: 3 labels for 2 images") == true)
    }

    @Test("The MNIST CSV reader takes 784 pixels then a label per row")
    func csvValid() throws {
        let row1 = Array(repeating: "0", count: 783) + ["255", "7"]
        let row2 = Array(repeating: "12", count: 784) + ["0"]
        let text = [row1, row2].map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\n"
        let (pixels, labels) = try DigitsCSVReader.parse(Array(text.utf8), name: "ok.csv")
        #expect(labels == [7, 0])
        #expect(pixels.count == 1568 && pixels[783] == 255 && pixels[784] == 12)
    }

    @Test("CSV rows with a wrong column count, a pixel above 255, a bad label or a letter are refused by line")
    func csvBad() throws {
        let good = Array(repeating: "0", count: 784) + ["1"]
        func rows(_ bad: [String]) -> [UInt8] { Array(([good, bad].map { $0.joined(separator: ",") }.joined(separator: "\n")).utf8) }
        let cases: [([UInt8], String)] = [
            (rows(Array(repeating: "0", count: 784)), "line 2 has 784 columns, expected 785"),
            (rows(Array(repeating: "0", count: 783) + ["256", "1"]), "line 2, column 784: value above 255"),
            (rows(Array(repeating: "0", count: 784) + ["12"]), "line 2: label 12 is not a digit"),
            (rows(Array(repeating: "0", count: 784) + ["x"]), "line 2, column 785: unexpected character"),
            (rows(Array(repeating: "0", count: 783) + ["", "1"]), "line 2, column 784: empty value"),
            ([], "no rows"),
        ]
        for (bytes, reason) in cases {
            let error = #expect(throws: LearningError.self) { try DigitsCSVReader.parse(bytes, name: "digits.csv") }
            #expect(error?.code == .badCSV)
            #expect(error?.message.contains("digits.csv: \(reason)") == true, "\(error?.message ?? "") should say \(reason)")
        }
    }

    @Test("A missing data folder says to run make data")
    func missingData() throws {
        let error = #expect(throws: LearningError.self) { try DatasetCatalog.load(.mnist5k, dataDirectory: "/nonexistent-strata") }
        #expect(error?.code == .dataMissing)
        #expect(error?.message.contains("make data") == true)
    }
}
