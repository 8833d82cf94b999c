import Foundation
import StrataLearning
import Testing

/// Given a data folder laid out like `make data` leaves it, but with a damaged file written by the
/// test, loading names that file and what is wrong with it.
@Suite("Damaged files in a data folder")
struct CorruptDataFolderTests {
    func folder(_ files: [String: [UInt8]]) throws -> String {
        let root = try TestData.temporaryDirectory()
        for (path, bytes) in files {
            let url = URL(fileURLWithPath: "\(root)/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return root
    }

    func csvRows(_ count: Int) -> [UInt8] {
        Array(((0..<count).map { row in (Array(repeating: "0", count: 784) + [String(row % 10)]).joined(separator: ",") }
            .joined(separator: "\n") + "\n").utf8)
    }

    @Test("A truncated mnist_5k.csv.gz is reported as truncated, with its path")
    func truncatedMNIST() throws {
        let whole = GzipFixture.gzip(csvRows(20))
        let root = try folder(["mnist5k/mnist_5k.csv.gz": Array(whole.prefix(whole.count / 2))])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: LearningError.self) { try DatasetCatalog.load(.mnist5k, dataDirectory: root) }
        #expect(error?.code == .corruptGzip)
        #expect(error?.message.hasPrefix("\(root)/mnist5k/mnist_5k.csv.gz: truncated gzip stream") == true)
    }

    @Test("An MNIST CSV with the wrong number of rows says how many it has")
    func shortMNIST() throws {
        let root = try folder(["mnist5k/mnist_5k.csv.gz": GzipFixture.gzip(csvRows(30))])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: LearningError.self) { try DatasetCatalog.load(.mnist5k, dataDirectory: root) }
        #expect(error?.message == "\(root)/mnist5k/mnist_5k.csv.gz: 30 rows, expected 5000 (re-run `make data`)")
    }

    @Test("A Fashion-MNIST image file cut short is refused, naming it")
    func truncatedFashionImages() throws {
        let images = GzipFixture.idx([60_000, 28, 28], values: Array(repeating: 0, count: 1_000))
        let labels = GzipFixture.idx([60_000], values: Array(repeating: 1, count: 60_000))
        let root = try folder([
            "fashion-mnist/train-images-idx3-ubyte.gz": GzipFixture.gzip(images),
            "fashion-mnist/train-labels-idx1-ubyte.gz": GzipFixture.gzip(labels),
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: LearningError.self) { try DatasetCatalog.load(.fmnist, dataDirectory: root) }
        #expect(error?.code == .badIDX)
        #expect(error?.message == "\(root)/fashion-mnist/train-images-idx3-ubyte.gz: header says 60000×28×28 = 47040000 values but the file holds 1000 (truncated)")
    }

    @Test("Labels swapped for images (wrong rank) are refused, naming the file")
    func swappedFiles() throws {
        let labels = GzipFixture.gzip(GzipFixture.idx([3], values: [1, 2, 3]))
        let root = try folder([
            "fashion-mnist/train-images-idx3-ubyte.gz": labels,
            "fashion-mnist/train-labels-idx1-ubyte.gz": labels,
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: LearningError.self) { try DatasetCatalog.load(.fmnist, dataDirectory: root) }
        #expect(error?.message == "\(root)/fashion-mnist/train-images-idx3-ubyte.gz: has 1 dimensions, expected 3")
    }
}
