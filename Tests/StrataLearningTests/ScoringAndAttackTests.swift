import StrataLearning
import Testing

@Suite("Update scoring and attacks")
struct ScoringAndAttackTests {
    @Test("An update's score is its validation accuracy and loss and its mean distance to the others")
    func scoring() throws {
        let task = try TestData.mnistTask()
        let kind = ModelKind.logreg784
        let trainer = try LocalTrainer(kind: kind, config: .reference(for: kind))
        let global = Model.initialized(kind, seed: 0).parameters
        let honest = try trainer.train(from: global, on: task.train.subset(0..<600), seed: 1)
        var parameters = honest.parameters
        parameters[0] = 0
        let update = ModelUpdate(parameters: parameters, sampleCount: 600)
        parameters[0] = 3
        let shifted = ModelUpdate(parameters: parameters, sampleCount: 600)
        let score = try UpdateScorer.score(update, kind: kind, on: task.validation, others: [shifted, update])
        let evaluation = try Evaluator.evaluate(update.parameters, kind: kind, on: task.validation)
        #expect(score.accuracy == evaluation.accuracy && score.loss == evaluation.loss)
        #expect(score.accuracy > 0.7)
        #expect(score.distanceToOthers == 1.5) // distances 3 and 0
        let round = try UpdateScorer.scoreRound([update, shifted, update], kind: kind, on: task.validation)
        #expect(round[0] == score)
        #expect(round[1].distanceToOthers == 3)

        // A label-flipped update scores visibly worse on the same validation set.
        let flipped = try trainer.train(from: global, on: Attack.labelFlip.poisoned(task.train.subset(0..<600)), seed: 1)
        let bad = try UpdateScorer.score(ModelUpdate(parameters: flipped.parameters, sampleCount: 600), kind: kind, on: task.validation)
        #expect(bad.accuracy < 0.2 && bad.loss > score.loss)
        #expect(bad.distanceToOthers == 0)
    }

    @Test("Label flipping maps y to 9 − y, or only source to target")
    func labelFlip() throws {
        let data = try Dataset(features: [Float](repeating: 0, count: 4), labels: [0, 3, 7, 9], featureCount: 1, classCount: 10)
        #expect(Attack.labelFlip.poisoned(data).labels == [9, 6, 2, 0])
        #expect(Attack.labelFlipTargeted(source: 7, target: 1).poisoned(data).labels == [0, 3, 1, 9])
        #expect(Attack.lazySubset(rows: 2).poisoned(data).labels == [0, 3])
    }

    @Test("Update attacks transform Δ = local − global as documented")
    func updateAttacks() throws {
        var generator = SeededGenerator(seed: 1)
        let global: [Float] = [1, 1]
        let local: [Float] = [3, 0]
        #expect(Attack.signFlip(scale: 1).tampered(global: global, local: local, generator: &generator) == [-1, 2])
        #expect(Attack.scaling(factor: 10).tampered(global: global, local: local, generator: &generator) == [21, -9])
        #expect(Attack.lazyUnchanged.tampered(global: global, local: local, generator: &generator) == global)
        #expect(Attack.labelFlip.tampered(global: global, local: local, generator: &generator) == local)
        let free = Attack.freeRider(sigma: 0.001).tampered(global: global, local: local, generator: &generator)
        #expect(free != global && zip(free, global).allSatisfy { abs($0 - $1) < 0.01 })
        let noisy = Attack.gaussianNoise(sigma: 0.5).tampered(global: global, local: local, generator: &generator)
        #expect(noisy != local && zip(noisy, local).allSatisfy { abs($0 - $1) < 3 })
        #expect(!Attack.lazyUnchanged.trains && !Attack.freeRider(sigma: 1).trains && Attack.signFlip(scale: 1).trains)
    }

    @Test("Attacks parse from the command line; a share picks ⌊share · devices⌋ attackers by seed")
    func plans() throws {
        let plan = try AttackPlan(parsing: "labelflip:0.3")
        #expect(plan.attack == .labelFlip)
        #expect(plan.attackers(devices: 30, seed: 0).count == 9)
        #expect(plan.attackers(devices: 30, seed: 0) == plan.attackers(devices: 30, seed: 0))
        #expect(try AttackPlan(parsing: "labelflip=7>1:0.2").attack == .labelFlipTargeted(source: 7, target: 1))
        #expect(try AttackPlan(parsing: "noise=0.5:0.1").attack == .gaussianNoise(sigma: 0.5))
        #expect(try AttackPlan(parsing: "lazy=5").attack == .lazySubset(rows: 5))
        let bad = #expect(throws: LearningError.self) { try AttackPlan(parsing: "flood:0.3") }
        #expect(bad?.message.contains("is not one of labelflip") == true)
        #expect(throws: LearningError.self) { try AttackPlan(parsing: "labelflip:1.5") }
        #expect(throws: LearningError.self) { try AttackPlan(parsing: "labelflip=12>1:0.1") }
    }
}
