import Foundation
import StrataLearning
import Testing

@Suite("Federated runs on MNIST 5k (30 clients, IID, batch 32, 1 local epoch)")
struct FederatedTests {
    func accuracyAfter10(_ rule: AggregationRule, attack: AttackPlan? = nil) throws -> Double {
        let config = FederatedConfig(model: .logreg784, devices: 30, rounds: 10, rule: rule, attack: attack, seed: 0)
        var run = try FederatedRun(config: config, data: TestData.mnistTask())
        var last = try run.nextRound()
        for _ in 1..<10 { last = try run.nextRound() }
        return last.accuracy
    }

    @Test("Logistic regression with FedAvg reaches ≥ 0.80 test accuracy in 10 rounds")
    func fedAvgFloor() throws {
        #expect(try accuracyAfter10(.fedAvg) >= 0.80)
    }

    @Test("With 30 % label flippers, median and Krum each beat FedAvg at round 10")
    func robustRules() throws {
        let flippers = try AttackPlan(attack: .labelFlip, fraction: 0.3)
        let fedAvg = try accuracyAfter10(.fedAvg, attack: flippers)
        let median = try accuracyAfter10(.median, attack: flippers)
        let krum = try accuracyAfter10(.krum(f: 9), attack: flippers)
        #expect(median > fedAvg, "median \(median) vs FedAvg \(fedAvg)")
        #expect(krum > fedAvg, "Krum \(krum) vs FedAvg \(fedAvg)")
    }

    @Test("A run refuses Krum when the devices cannot tolerate f, before any training")
    func krumPrecondition() throws {
        let config = FederatedConfig(model: .logreg784, devices: 4, rounds: 1, rule: .krum(f: 1))
        let error = #expect(throws: LearningError.self) { try FederatedRun(config: config, data: TestData.mnistTask()) }
        #expect(error?.message == "Krum needs n > 2f + 2: 4 devices cannot tolerate f = 1 (at most f = 0)")
    }

    @Test("A run is reproducible: same seed, same global model bytes")
    func reproducibleRun() throws {
        let config = FederatedConfig(model: .logreg784, devices: 5, rounds: 2, partition: .dirichlet(alpha: 0.5), seed: 3)
        var a = try FederatedRun(config: config, data: TestData.mnistTask())
        var b = try FederatedRun(config: config, data: TestData.mnistTask())
        #expect(try a.nextRound() == b.nextRound())
        #expect(a.global.littleEndianBytes == b.global.littleEndianBytes)
    }
}

@Suite("Determinism across processes")
struct DeterminismTests {
    func digest(threads: Int) throws -> String {
        let (status, output, _) = try StrataProcess.run(["learn", "digest", "--data-dir", TestData.directory, "--threads", String(threads)],
                                                        environment: ["OPENBLAS_NUM_THREADS": String(threads)])
        #expect(status == 0)
        return output
    }

    @Test("Two processes (1 and 2 BLAS threads) print the same SHA-256 for every rule and the scores")
    func twoProcesses() throws {
        let first = try digest(threads: 1)
        let second = try digest(threads: 2)
        let lines = first.split(separator: "\n")
        #expect(lines.map { $0.split(separator: " ").first! } == ["fedavg", "weighted", "median", "trimmed:0.2", "krum:1", "multikrum:1", "scores"])
        #expect(lines.allSatisfy { $0.split(separator: " ").last!.count == 64 })
        #expect(first == second)
    }
}
