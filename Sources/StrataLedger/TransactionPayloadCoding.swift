import StrataCrypto
import StrataProtocol

extension TransactionPayload {
    /// The `body` object: the payload struct's fields, through the strict protocol encoder.
    func bodyJSON() throws(LedgerError) -> JSONValue {
        switch self {
        case .deviceRegistration(let body): try LedgerJSON.encode(body, what: "body")
        case .taskAssignment(let body): try LedgerJSON.encode(body, what: "body")
        case .localUpdate(let body): try LedgerJSON.encode(body, what: "body")
        case .updateScore(let body): try LedgerJSON.encode(body, what: "body")
        case .acceptedSet(let body): try LedgerJSON.encode(body, what: "body")
        case .aggregate(let body): try LedgerJSON.encode(body, what: "body")
        case .reputationChange(let body): try LedgerJSON.encode(body, what: "body")
        case .payment(let body): try LedgerJSON.encode(body, what: "body")
        case .crossChainReference(let body): try LedgerJSON.encode(body, what: "body")
        case .memberSetChange(let body): try LedgerJSON.encode(body, what: "body")
        case .mecRegistration(let body): try LedgerJSON.encode(body, what: "body")
        case .shardFormation(let body): try LedgerJSON.encode(body, what: "body")
        }
    }

    static func decode(kind: String, body: JSONValue) throws(LedgerError) -> TransactionPayload {
        switch kind {
        case "device_registration": .deviceRegistration(try LedgerJSON.decode(DeviceRegistration.self, from: body, what: "body"))
        case "task_assignment": .taskAssignment(try LedgerJSON.decode(TaskAssignment.self, from: body, what: "body"))
        case "local_update": .localUpdate(try LedgerJSON.decode(LocalUpdate.self, from: body, what: "body"))
        case "update_score": .updateScore(try LedgerJSON.decode(UpdateScore.self, from: body, what: "body"))
        case "accepted_set": .acceptedSet(try LedgerJSON.decode(AcceptedSet.self, from: body, what: "body"))
        case "aggregate": .aggregate(try LedgerJSON.decode(AggregateDigest.self, from: body, what: "body"))
        case "reputation_change": .reputationChange(try LedgerJSON.decode(ReputationChange.self, from: body, what: "body"))
        case "payment": .payment(try LedgerJSON.decode(Payment.self, from: body, what: "body"))
        case "cross_chain_reference": .crossChainReference(try LedgerJSON.decode(CrossChainReference.self, from: body, what: "body"))
        case "member_set_change": .memberSetChange(try LedgerJSON.decode(MemberSetChange.self, from: body, what: "body"))
        case "mec_registration": .mecRegistration(try LedgerJSON.decode(MECRegistration.self, from: body, what: "body"))
        case "shard_formation": .shardFormation(try LedgerJSON.decode(ShardFormation.self, from: body, what: "body"))
        default: throw LedgerError(.malformed, "unknown transaction kind \"\(kind.prefix(40))\"")
        }
    }
}

extension Transaction {
    /// Stateless rules of each kind: bounded text, valid keys, non-negative rounds and amounts.
    static func checkFields(_ payload: TransactionPayload) throws(LedgerError) {
        switch payload {
        case .deviceRegistration(let body):
            _ = try LedgerKey.parse(body.device, field: "device")
            try text(body.mec, "mec")
            guard body.role == "full" || body.role == "relay" else {
                throw LedgerError(.badTransaction, "device role \"\(body.role.prefix(40))\" is not full or relay")
            }
        case .taskAssignment(let body):
            try text(body.task, "task")
            try nonNegative(body.round, "round")
            _ = try LedgerKey.parse(body.device, field: "device")
        case .localUpdate(let body):
            try text(body.task, "task")
            try nonNegative(body.round, "round")
            _ = try LedgerKey.parse(body.device, field: "device")
            guard (0...Int64(LedgerLimits.maxBlobBytes)).contains(body.modelBytes) else {
                throw LedgerError(.tooLarge, "modelBytes \(body.modelBytes) is outside 0…\(LedgerLimits.maxBlobBytes)")
            }
            try nonNegative(body.examples, "examples")
        case .updateScore(let body):
            try text(body.task, "task")
            try nonNegative(body.round, "round")
        case .acceptedSet(let body):
            try text(body.task, "task")
            try nonNegative(body.round, "round")
            guard body.updates.count <= LedgerLimits.maxTransactionsPerBlock * 4 else {
                throw LedgerError(.tooLarge, "an accepted set of \(body.updates.count) updates is too large")
            }
            for index in body.updates.indices.dropFirst() where !(body.updates[index - 1] < body.updates[index]) {
                throw LedgerError(.badTransaction, "accepted set updates must be distinct and ascending")
            }
        case .aggregate(let body):
            try text(body.task, "task")
            try nonNegative(body.round, "round")
            try nonNegative(body.updates, "updates")
        case .reputationChange(let body):
            _ = try LedgerKey.parse(body.device, field: "device")
            try text(body.reason, "reason")
        case .payment(let body):
            _ = try LedgerKey.parse(body.from, field: "from")
            _ = try LedgerKey.parse(body.to, field: "to")
            try nonNegative(body.amount, "amount")
            try text(body.memo, "memo")
        case .crossChainReference(let body):
            guard body.certificate.signatures.count <= LedgerLimits.maxMembers,
                  body.proof.siblings.count <= LedgerLimits.maxProofSiblings else {
                throw LedgerError(.tooLarge, "a cross-chain reference's certificate or proof is too large")
            }
            _ = try ChainID(body.header.chain)
        case .memberSetChange(let body):
            _ = try MemberSet(hex: body.members)
        case .mecRegistration(let body):
            _ = try LedgerKey.parse(body.mec, field: "mec")
            _ = try ChainID(kind: .lmuc, name: body.name)
        case .shardFormation(let body):
            guard try ChainID(body.shard).kind == .shard else {
                throw LedgerError(.badTransaction, "shard formation names \(body.shard.prefix(80)), which is not a shard chain")
            }
            try text(body.task, "task")
            _ = try MemberSet(hex: body.members)
        }
    }

    private static func text(_ value: String, _ field: String) throws(LedgerError) {
        guard value.count <= LedgerLimits.maxTextLength else {
            throw LedgerError(.tooLarge, "\(field) is longer than \(LedgerLimits.maxTextLength) characters")
        }
    }

    private static func nonNegative(_ value: Int64, _ field: String) throws(LedgerError) {
        guard value >= 0 else { throw LedgerError(.badTransaction, "\(field) \(value) is negative") }
    }
}
