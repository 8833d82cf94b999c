import StrataLearning
import Testing

@Suite("Aggregation rules on hand-computed cases")
struct AggregationTests {
    func updates(_ values: [[Float]], counts: [Int]? = nil, weights: [Double?]? = nil) -> [ModelUpdate] {
        values.enumerated().map { index, parameters in
            ModelUpdate(parameters: parameters, sampleCount: counts?[index] ?? 1, weight: weights?[index] ?? nil)
        }
    }

    @Test("FedAvg weights each update by its sample count")
    func fedAvg() throws {
        #expect(try aggregate(.fedAvg, updates([[1, 2], [3, 4]], counts: [1, 3])) == [2.5, 3.5])
        // Accumulated in Double, rounded to Float once.
        #expect(try aggregate(.fedAvg, updates([[0.1], [0.2], [0.3]])) == [Float((Double(Float(0.1)) + Double(Float(0.2)) + Double(Float(0.3))) / 3)])
    }

    @Test("Weighted FedAvg multiplies sample counts by the external weights")
    func weighted() throws {
        #expect(try aggregate(.weightedFedAvg, updates([[1], [5]], counts: [2, 2], weights: [0, 1])) == [5])
        #expect(try aggregate(.weightedFedAvg, updates([[0], [6]], counts: [1, 2], weights: [1, 0.5])) == [3])
        let missing = #expect(throws: LearningError.self) { try aggregate(.weightedFedAvg, updates([[1], [2]], weights: [1, nil])) }
        #expect(missing?.message == "weighted FedAvg: update 1 has no finite weight ≥ 0")
        let zero = #expect(throws: LearningError.self) { try aggregate(.weightedFedAvg, updates([[1], [2]], weights: [0, 0])) }
        #expect(zero?.code == .precondition)
    }

    @Test("Median: middle value for odd counts, mean of the two middle values for even counts, ties kept")
    func median() throws {
        #expect(try aggregate(.median, updates([[1, 9], [5, -1], [3, 4]])) == [3, 4])
        #expect(try aggregate(.median, updates([[1], [2], [4], [10]])) == [3])
        #expect(try aggregate(.median, updates([[2], [7], [2]])) == [2])
        #expect(try aggregate(.median, updates([[2], [2], [7], [7]])) == [4.5])
        // Sample counts do not move the median.
        #expect(try aggregate(.median, updates([[1], [2], [100]], counts: [1, 1, 1_000])) == [2])
    }

    @Test("Trimmed mean drops ⌊β·n⌋ values at each end; β ≥ 0.5 is refused")
    func trimmedMean() throws {
        #expect(try aggregate(.trimmedMean(beta: 0.25), updates([[100], [1], [4], [2]])) == [3])
        #expect(try aggregate(.trimmedMean(beta: 0.2), updates([[100], [1], [4], [3]])) == [27]) // ⌊0.8⌋ = 0: plain mean
        #expect(try aggregate(.trimmedMean(beta: 0.4), updates([[9], [1], [5], [5], [-50]])) == [5])
        let error = #expect(throws: LearningError.self) { try aggregate(.trimmedMean(beta: 0.5), updates([[1], [2]])) }
        #expect(error?.code == .precondition)
    }

    /// Points 0, 1, 2, 3, 100 on a line; with n = 5, f = 1 each score sums the 2 nearest squared distances:
    /// 0 → 1 + 4 = 5, 1 → 1 + 1 = 2, 2 → 2, 3 → 1 + 4 = 5, 100 → 97² + 98².
    var line: [ModelUpdate] { updates([[0], [1], [2], [3], [100]]) }

    @Test("Krum picks the update with the smallest score, the lower index on a tie, with f at its limit")
    func krum() throws {
        #expect(try Aggregator.krumScores(line, f: 1) == [5, 2, 2, 5, 97 * 97 + 98 * 98])
        #expect(try aggregate(.krum(f: 1), line) == [1])
    }

    @Test("Multi-Krum averages the m best-scored updates (ties to the lower index)")
    func multiKrum() throws {
        #expect(try aggregate(.multiKrum(f: 1, m: 3), line) == [1]) // {0, 1, 2}
        #expect(try aggregate(.multiKrum(f: 1, m: nil), line) == [1.5]) // n − f = 4: {0, 1, 2, 3}
        #expect(throws: LearningError.self) { try aggregate(.multiKrum(f: 1, m: 6), line) }
    }

    @Test("Krum refuses n ≤ 2f + 2 with a message that says so")
    func krumPrecondition() throws {
        let error = #expect(throws: LearningError.self) { try aggregate(.krum(f: 2), line) }
        #expect(error?.code == .precondition)
        #expect(error?.message == "Krum needs n > 2f + 2: n = 5, f = 2 (at most f = 1 for n = 5; n ≥ 7 for f = 2)")
        #expect(throws: LearningError.self) { try aggregate(.multiKrum(f: 2, m: 1), line) }
    }

    @Test("Empty rounds, mismatched lengths, NaN and zero sample counts are refused")
    func refusals() throws {
        #expect(throws: LearningError.self) { try aggregate(.fedAvg, []) }
        let shape = #expect(throws: LearningError.self) { try aggregate(.median, updates([[1, 2], [1]])) }
        #expect(shape?.message == "update 1 has 1 parameters, update 0 has 2")
        let nan = #expect(throws: LearningError.self) { try aggregate(.fedAvg, updates([[1], [.nan]])) }
        #expect(nan?.code == .nonFinite)
        #expect(throws: LearningError.self) { try aggregate(.fedAvg, updates([[1], [2]], counts: [1, 0])) }
    }

    @Test("Rules parse from their command-line names")
    func parsing() throws {
        #expect(try AggregationRule(parsing: "krum", defaultF: 9) == .krum(f: 9))
        #expect(try AggregationRule(parsing: "trimmed:0.1", defaultF: 0) == .trimmedMean(beta: 0.1))
        #expect(try AggregationRule(parsing: "multikrum:2:5", defaultF: 0) == .multiKrum(f: 2, m: 5))
        #expect(throws: LearningError.self) { try AggregationRule(parsing: "mean", defaultF: 0) }
        #expect(throws: LearningError.self) { try AggregationRule(parsing: "trimmed:0.7", defaultF: 0) }
    }
}
