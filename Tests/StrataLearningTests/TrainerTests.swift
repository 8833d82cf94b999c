import Foundation
import StrataLearning
import Testing

@Suite("Local training and evaluation")
struct TrainerTests {
    @Test("One SGD step of logistic regression matches the hand-computed gradient")
    func handStep() throws {
        // Zero model, one row x = (1, 0) of class 0: p = (½, ½), δ = (−½, ½).
        let data = try Dataset(features: [1, 0], labels: [0], featureCount: 2, classCount: 2)
        let kind = ModelKind.logisticRegression(inputs: 2, classes: 2)
        let trainer = try LocalTrainer(kind: kind, config: TrainingConfig(learningRate: 0.1, batchSize: 1, epochs: 1))
        let result = try trainer.train(from: [0, 0, 0, 0, 0, 0], on: data, seed: 0)
        // Layout W[2][2] then b[2].
        #expect(result.parameters == [0.05, -0.05, 0, 0, 0.05, -0.05])
        #expect(result.sampleCount == 1)
        #expect(abs(result.meanLoss - 0.693147) < 1e-5)
    }

    @Test("One SGD step of the MLP matches the hand-computed gradient through the ReLU")
    func handStepMLP() throws {
        // 1 input, 2 hidden, 2 classes. x = 1, W1 = (1, −1), b1 = 0 → h = (1, 0);
        // W2 = 0, b2 = 0 → p = (½, ½), label 1 → δ = (½, −½).
        // W2 row 0 −= lr·h0·δ = (−0.05, 0.05); row 1 stays (h1 = 0); b2 = (−0.05, 0.05).
        // δh = δ·W2ᵀ (old W2 = 0) = 0 → W1, b1 unchanged.
        let kind = ModelKind.mlp(inputs: 1, hidden: 2, classes: 2)
        let data = try Dataset(features: [1], labels: [1], featureCount: 1, classCount: 2)
        let trainer = try LocalTrainer(kind: kind, config: TrainingConfig(learningRate: 0.1, batchSize: 4))
        let start: [Float] = [1, -1, 0, 0, 0, 0, 0, 0, 0, 0]
        let result = try trainer.train(from: start, on: data, seed: 0)
        #expect(result.parameters == [1, -1, 0, 0, -0.05, 0.05, 0, 0, -0.05, 0.05])
    }

    @Test("Centralised logistic regression on MNIST 5k reaches ≥ 0.85 test accuracy in 5 epochs")
    func centralisedLogreg() throws {
        let task = try TestData.mnistTask()
        let trainer = try LocalTrainer(kind: .logreg784, config: TrainingConfig(learningRate: 0.1, batchSize: 32, epochs: 5))
        let result = try trainer.train(from: Model.initialized(.logreg784, seed: 0).parameters, on: task.train, seed: 0)
        let evaluation = try Evaluator.evaluate(result.parameters, kind: .logreg784, on: task.test)
        #expect(evaluation.accuracy >= 0.85, "test accuracy \(evaluation.accuracy)")
        #expect(evaluation.loss < 0.6)
    }

    @Test("The MLP learns MNIST 5k: 2 epochs lift test accuracy from chance to ≥ 0.80")
    func mlpLearns() throws {
        let task = try TestData.mnistTask()
        let start = Model.initialized(.mlp784, seed: 0)
        #expect(try Evaluator.evaluate(start, on: task.test).accuracy < 0.25)
        let trainer = try LocalTrainer(kind: .mlp784, config: TrainingConfig(learningRate: 0.05, batchSize: 32, epochs: 2))
        let result = try trainer.train(from: start.parameters, on: task.train, seed: 0)
        #expect(try Evaluator.evaluate(result.parameters, kind: .mlp784, on: task.test).accuracy >= 0.80)
    }

    @Test("Training is reproducible for a seed and differs for another batch order")
    func reproducible() throws {
        let task = try TestData.mnistTask()
        let shard = task.train.subset(0..<200)
        let trainer = try LocalTrainer(kind: .logreg784, config: .reference(for: .logreg784))
        let global = Model.initialized(.logreg784, seed: 2).parameters
        let a = try trainer.train(from: global, on: shard, seed: 5)
        #expect(a == (try trainer.train(from: global, on: shard, seed: 5)))
        #expect(a.parameters != (try trainer.train(from: global, on: shard, seed: 6)).parameters)
    }

    @Test("Evaluation on a hand-made case gives its accuracy and mean cross-entropy")
    func handEvaluation() throws {
        // logits = x·W + b with W = I: row (2, 0) → class 0 (right), row (0, 0) → tie → class 0 (wrong).
        let data = try Dataset(features: [2, 0, 0, 0], labels: [0, 1], featureCount: 2, classCount: 2)
        let evaluation = try Evaluator.evaluate([1, 0, 0, 1, 0, 0], kind: .logisticRegression(inputs: 2, classes: 2), on: data)
        #expect(evaluation.accuracy == 0.5)
        let expected = (Foundation.log(1 + Foundation.exp(-2.0)) + Foundation.log(2.0)) / 2
        #expect(abs(evaluation.loss - expected) < 1e-12)
    }

    @Test("Bad settings and non-finite models are refused")
    func refusals() throws {
        #expect(throws: LearningError.self) { try LocalTrainer(kind: .logreg784, config: TrainingConfig(learningRate: 0)) }
        #expect(throws: LearningError.self) { try LocalTrainer(kind: .logreg784, config: TrainingConfig(learningRate: 0.1, batchSize: 0)) }
        let data = try Dataset(features: [1, 0], labels: [0], featureCount: 2, classCount: 2)
        let kind = ModelKind.logisticRegression(inputs: 2, classes: 2)
        let error = #expect(throws: LearningError.self) { try Evaluator.evaluate([0, .nan, 0, 0, 0, 0], kind: kind, on: data) }
        #expect(error?.code == .nonFinite)
        #expect(throws: LearningError.self) { try Evaluator.evaluate([0, 0], kind: kind, on: data) }
    }
}
