/// Settings of an in-process federated run ("vanilla FL": no chains, every device every round).
public struct FederatedConfig: Sendable, Hashable {
    public var model: ModelKind
    public var devices: Int
    public var rounds: Int
    public var rule: AggregationRule
    public var partition: PartitionScheme
    public var attack: AttackPlan?
    public var training: TrainingConfig
    public var seed: UInt64

    public init(model: ModelKind, devices: Int = 30, rounds: Int = 30, rule: AggregationRule = .fedAvg,
                partition: PartitionScheme = .iid, attack: AttackPlan? = nil, training: TrainingConfig? = nil, seed: UInt64 = 0) {
        self.model = model
        self.devices = devices
        self.rounds = rounds
        self.rule = rule
        self.partition = partition
        self.attack = attack
        self.training = training ?? .reference(for: model)
        self.seed = seed
    }

    public func validate() throws {
        try training.validate()
        guard devices >= 1 else { throw LearningError(.invalidArgument, "need at least 1 device, got \(devices)") }
        guard rounds >= 1 else { throw LearningError(.invalidArgument, "need at least 1 round, got \(rounds)") }
        switch rule {
        case let .krum(f), let .multiKrum(f, _):
            guard devices > 2 * f + 2 else {
                throw LearningError(.precondition, "Krum needs n > 2f + 2: \(devices) devices cannot tolerate f = \(f) (at most f = \(max((devices - 3) / 2, 0)))")
            }
        default:
            break
        }
    }
}

/// What one round produced: test accuracy and loss of the new global model.
public struct RoundReport: Sendable, Hashable {
    public var round: Int
    public var accuracy: Double
    public var loss: Double
    /// Mean training loss the honest devices reported.
    public var trainingLoss: Double
}

/// The federated loop, one round per `nextRound()`: every device trains from the global model on
/// its shard (attackers per `AttackPlan`), the rule aggregates, the test set scores the result.
/// It has no clock and no I/O: the caller times rounds and prints.
public struct FederatedRun: Sendable {
    public let config: FederatedConfig
    public let partition: Partition
    public let attackers: Set<Int>
    public private(set) var global: Model
    public private(set) var round = 0
    private let shards: [Dataset]
    private let test: Dataset
    private let trainer: LocalTrainer

    public init(config: FederatedConfig, data: TaskData) throws {
        try config.validate()
        self.config = config
        partition = try Partition(config.partition, labels: data.train.labels, classCount: data.train.classCount,
                                  devices: config.devices, seed: config.seed)
        let attackers = config.attack?.attackers(devices: config.devices, seed: config.seed) ?? []
        self.attackers = attackers
        shards = partition.shards.enumerated().map { device, rows in
            let shard = data.train.subset(rows)
            guard let attack = config.attack?.attack, attackers.contains(device) else { return shard }
            return attack.poisoned(shard)
        }
        test = data.test
        trainer = try LocalTrainer(kind: config.model, config: config.training)
        global = Model.initialized(config.model, seed: config.seed)
    }

    /// The updates every device sends this round, in device order (before aggregation).
    public func updates(round: Int) throws -> (updates: [ModelUpdate], trainingLoss: Double) {
        var updates: [ModelUpdate] = []
        var honestLoss = 0.0
        for (device, shard) in shards.enumerated() {
            let seed = SeededGenerator.derive(config.seed, [UInt64(round), UInt64(device)])
            let attack = attackers.contains(device) ? config.attack?.attack : nil
            var sent = global.parameters
            if attack?.trains ?? true {
                let result = try trainer.train(from: global.parameters, on: shard, seed: seed)
                sent = result.parameters
                if attack == nil { honestLoss += result.meanLoss / Double(shards.count - attackers.count) }
            }
            if let attack {
                var generator = SeededGenerator(seed: seed, stream: 0xBAD)
                sent = attack.tampered(global: global.parameters, local: sent, generator: &generator)
            }
            updates.append(ModelUpdate(parameters: sent, sampleCount: partition.shards[device].count))
        }
        return (updates, honestLoss)
    }

    /// Runs the next round and reports the new global model on the test set.
    public mutating func nextRound() throws -> RoundReport {
        round += 1
        let (updates, trainingLoss) = try updates(round: round)
        global = try Model(kind: config.model, parameters: aggregate(config.rule, updates))
        let evaluation = try Evaluator.evaluate(global, on: test)
        return RoundReport(round: round, accuracy: evaluation.accuracy, loss: evaluation.loss, trainingLoss: trainingLoss)
    }
}
