/// The evidence about one update that reputation is built on: how the model it describes does on
/// the publisher's validation set, and how far it lies from the other updates of its round.
public struct UpdateScore: Sendable, Hashable {
    /// Validation accuracy of the update's parameters (0…1).
    public var accuracy: Double
    /// Mean validation cross-entropy of the update's parameters.
    public var loss: Double
    /// Mean Euclidean distance to the other updates of the round (0 when it is alone).
    public var distanceToOthers: Double
}

/// Scores updates deterministically (`Evaluator` and `Aggregator.squaredDistances` carry the
/// fixed-order guarantee), so every MEC node recomputes the same numbers.
public enum UpdateScorer {
    /// Scores one update (a full local model of `kind`) on `validation`; `others` are the rest of the
    /// round, in round order, for the distance.
    public static func score(_ update: ModelUpdate, kind: ModelKind, on validation: Dataset,
                             others: [ModelUpdate] = []) throws -> UpdateScore {
        let evaluation = try Evaluator.evaluate(update.parameters, kind: kind, on: validation)
        let all = [update] + others
        try Aggregator.validate(all)
        let distances = Aggregator.squaredDistances(all)[0].dropFirst()
        var sum = 0.0
        for squared in distances { sum += squared.squareRoot() }
        return UpdateScore(accuracy: evaluation.accuracy, loss: evaluation.loss,
                           distanceToOthers: others.isEmpty ? 0 : sum / Double(others.count))
    }

    /// Scores every update of a round; each one's distance is to all the others.
    public static func scoreRound(_ updates: [ModelUpdate], kind: ModelKind, on validation: Dataset) throws -> [UpdateScore] {
        try Aggregator.validate(updates)
        let distances = Aggregator.squaredDistances(updates)
        return try updates.indices.map { index in
            let evaluation = try Evaluator.evaluate(updates[index].parameters, kind: kind, on: validation)
            var sum = 0.0
            for other in updates.indices where other != index { sum += distances[index][other].squareRoot() }
            return UpdateScore(accuracy: evaluation.accuracy, loss: evaluation.loss,
                               distanceToOthers: updates.count > 1 ? sum / Double(updates.count - 1) : 0)
        }
    }
}
