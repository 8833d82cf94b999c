import Testing
@testable import StrataConsensus

/// Members sign, send and store messages in their `BinaryCodec` form (SPEC §20): every value must
/// come back unchanged, and hostile bytes must be refused with an error, never a trap.
struct BinaryCodecTests {
    /// A NEW-VIEW with nested VIEW-CHANGEs, prepared certificates and checkpoint proofs, signed.
    static func newView() throws -> (SignedMessage, LockstepGroup) {
        var group = try LockstepGroup(members: 4)
        group.allows = { _, _, message in if case .commit = message { return false } else { return true } }
        group.request(SimulatedRequests.proposal(id: 1))
        group.allows = { _, _, _ in true }
        group.fire(.progress, at: [0, 1, 2, 3])
        let message = try #require(group.effectsSeen[1].compactMap { effect -> ConsensusMessage? in
            if case .broadcast(let message) = effect, case .newView = message { return message }
            return nil
        }.first)
        return (group.oracle.sign(message, by: 1), group)
    }

    @Test("every message kind, entry and durable record round-trips, and signatures inside still verify")
    func roundTrips() throws {
        let (signedNewView, newViewGroup) = try Self.newView()
        let decoded = try BinaryCodec.decodeMessage(BinaryCodec.encode(signedNewView.message))
        #expect(decoded == signedNewView.message)
        #expect(newViewGroup.oracle.verify(SignedMessage(message: decoded, signature: signedNewView.signature)))
        guard case .newView(let body) = decoded else { Issue.record("not a new-view"); return }
        #expect(body.viewChanges.count == 3 && body.prePrepares.count == 1)

        var group = try LockstepGroup(members: 4)
        for id in 1...20 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        var kinds = Set<String>()
        for effect in group.effectsSeen.joined() {
            switch effect {
            case .broadcast(let message), .send(let message, _):
                kinds.insert(message.kind)
                #expect(try BinaryCodec.decodeMessage(BinaryCodec.encode(message)) == message)
            case .persist(let record):
                #expect(try BinaryCodec.decodeRecord(BinaryCodec.encode(record)) == record)
            case .commit(let entry):
                #expect(try BinaryCodec.decodeEntry(BinaryCodec.encode(entry)) == entry)
            default: break
            }
        }
        #expect(kinds.isSuperset(of: ["pre-prepare", "prepare", "commit", "checkpoint"]))
        let fetch = ConsensusMessage.fetch(FetchRequest(fromSequence: 7, replica: ReplicaID(3)))
        let entries = ConsensusMessage.entries(EntriesReply(entries: Array(group.ledgers[2].prefix(3)), replica: ReplicaID(2)))
        for message in [fetch, entries] { #expect(try BinaryCodec.decodeMessage(BinaryCodec.encode(message)) == message) }
    }

    @Test("one encoding per message: a vote is 1 + 1 + 8 + 8 + 1 + 32 + 4 bytes, big-endian")
    func layout() {
        let vote = Vote(view: 2, sequence: 0x0102, digest: Digest([UInt8](repeating: 0xaa, count: 32)), replica: ReplicaID(3))
        let bytes = BinaryCodec.encode(.commit(vote))
        #expect(bytes.count == 55)
        #expect(Array(bytes.prefix(2)) == [1, 3])
        #expect(Array(bytes[2..<10]) == [0, 0, 0, 0, 0, 0, 0, 2])
        #expect(Array(bytes[10..<18]) == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(bytes[18] == 32 && Array(bytes.suffix(4)) == [0, 0, 0, 3])
    }

    @Test("every truncation, a trailing byte, a wrong version or tag is an error")
    func malformed() throws {
        let (signedNewView, _) = try Self.newView()
        let bytes = BinaryCodec.encode(signedNewView.message)
        for length in 0..<bytes.count {
            #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeMessage(Array(bytes.prefix(length))) }
        }
        #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeMessage(bytes + [0]) }
        var wrongVersion = bytes
        wrongVersion[0] = 2
        #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeMessage(wrongVersion) }
        var wrongTag = bytes
        wrongTag[1] = 9
        #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeMessage(wrongTag) }
        // The old JSON form is not a binary message.
        #expect(throws: BinaryCodec.CodecError.self) {
            try BinaryCodec.decodeMessage(Array(#"{"commit":{"_0":{"digest":"00","replica":1,"sequence":99,"view":1}}}"#.utf8))
        }
        // Records and entries are refused the same way.
        #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeRecord([1, 4]) }
        #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeEntry([1]) }
    }

    @Test("a list count larger than the bytes left is refused before anything is allocated")
    func hugeCount() {
        // entries: version, tag 8, count 0xFFFFFFFF, nothing else.
        #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeMessage([1, 8, 0xff, 0xff, 0xff, 0xff]) }
        // A pre-prepare claiming a 4 GiB payload.
        #expect(throws: BinaryCodec.CodecError.self) {
            try BinaryCodec.decodeMessage([1, 1] + [UInt8](repeating: 0, count: 16) + [0xff, 0xff, 0xff, 0xff])
        }
    }

    @Test("signed messages nested deeper than the limit are refused")
    func nesting() {
        // A new-view whose only view-change slot holds a new-view, and so on: each level is
        // version, tag 6, view, count 1, then a signed message (empty signature, then the next level).
        func level(_ inner: [UInt8]) -> [UInt8] { [1, 6] + [UInt8](repeating: 0, count: 8) + [0, 0, 0, 1] + [0] + inner + [0, 0, 0, 0] + [0, 0, 0, 0] }
        let leaf = BinaryCodec.encode(.fetch(FetchRequest(fromSequence: 1, replica: ReplicaID(0))))
        var allowed = leaf
        for _ in 0..<BinaryCodec.maxDepth { allowed = level(allowed) }
        #expect((try? BinaryCodec.decodeMessage(allowed)) != nil)
        #expect(throws: BinaryCodec.CodecError.self) { try BinaryCodec.decodeMessage(level(allowed)) }
    }
}
