import StrataLearning
import Testing

@Suite("Datasets in memory")
struct DatasetTests {
    @Test("A dataset refuses features that do not make whole rows and labels outside its classes")
    func refusals() throws {
        let shape = #expect(throws: LearningError.self) { try Dataset(features: [0, 1, 2], labels: [0, 1], featureCount: 2, classCount: 3) }
        #expect(shape?.message == "3 feature values do not make 2 rows of 2")
        let label = #expect(throws: LearningError.self) { try Dataset(features: [0, 1], labels: [3], featureCount: 2, classCount: 3) }
        #expect(label?.message == "label 3 is outside 0..<3")
        let data = try Dataset(features: [0, 1], labels: [2], featureCount: 2, classCount: 3)
        #expect(throws: LearningError.self) { try data.relabeled { $0 + 1 } }
        #expect(try data.relabeled { $0 - 2 }.labels == [0])
    }

    @Test("Pixels are divided by 255 and subsets keep the order asked for")
    func pixelsAndSubsets() throws {
        let data = try Dataset(pixels: [0, 255, 51, 102, 204, 153], labels: [0, 1, 2], featureCount: 2, classCount: 3)
        #expect(data.features == [0, 1, 0.2, 0.4, 0.8, 0.6])
        let subset = data.subset([2, 0])
        #expect(subset.labels == [2, 0] && subset.features == [0.8, 0.6, 0, 1])
        #expect(data.classHistogram == [1, 1, 1])
    }
}
