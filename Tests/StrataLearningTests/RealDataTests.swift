import StrataLearning
import Testing

@Suite("The real data sets")
struct RealDataTests {
    @Test("MNIST 5k splits into 3,600 train, 400 validation and 1,000 test rows, all classes present")
    func mnistSplits() throws {
        let task = try TestData.mnistTask()
        #expect(task.train.count == 3_600)
        #expect(task.validation.count == 400)
        #expect(task.test.count == 1_000)
        let all = zip(task.train.classHistogram, zip(task.validation.classHistogram, task.test.classHistogram)).map { $0 + $1.0 + $1.1 }
        #expect(all == Array(repeating: 500, count: 10))
        #expect(task.test.classHistogram.allSatisfy { $0 > 70 })
        #expect(task.train.features.min() == 0 && task.train.features.max() == 1)
    }

    @Test("Fashion-MNIST has 60,000 train and 10,000 test images, 6,000 and 1,000 per class")
    func fashionMNIST() throws {
        let (train, test) = try DatasetCatalog.loadFashionMNIST(dataDirectory: TestData.directory)
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect(train.classHistogram == Array(repeating: 6_000, count: 10))
        #expect(test.classHistogram == Array(repeating: 1_000, count: 10))
    }
}
