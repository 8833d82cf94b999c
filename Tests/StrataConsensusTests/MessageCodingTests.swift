import Foundation
import Testing
@testable import StrataConsensus

/// Messages travel inside signed JSON envelopes, so every one must survive a JSON round trip.
struct MessageCodingTests {
    @Test("a NEW-VIEW with nested view-changes, certificates and proofs round-trips through JSON unchanged")
    func newViewRoundTrip() throws {
        var group = try LockstepGroup(members: 4)
        group.allows = { _, _, message in if case .commit = message { return false } else { return true } }
        group.request(SimulatedRequests.proposal(id: 1))
        group.allows = { _, _, _ in true }
        group.fire(.progress, at: [0, 1, 2, 3])
        let newView = group.effectsSeen[1].compactMap { effect -> ConsensusMessage? in
            if case .broadcast(let message) = effect, case .newView = message { return message }
            return nil
        }.first
        let message = try #require(newView)
        guard case .newView(let body) = message else { return }
        #expect(body.viewChanges.count == 3)
        #expect(body.prePrepares.count == 1)
        let signed = group.oracle.sign(message, by: 1)
        let data = try JSONEncoder().encode(signed)
        let decoded = try JSONDecoder().decode(SignedMessage.self, from: data)
        #expect(decoded == signed)
        #expect(group.oracle.verify(decoded))
    }

    @Test("a committed entry with its certificate and every durable record kind round-trip through JSON")
    func entryAndRecordsRoundTrip() throws {
        var group = try LockstepGroup(members: 4)
        for id in 1...2 { group.request(SimulatedRequests.proposal(id: UInt64(id))) }
        let entry = try #require(group.ledgers[2].last)
        #expect(try JSONDecoder().decode(CommittedEntry.self, from: JSONEncoder().encode(entry)) == entry)
        let records = group.effectsSeen[2].compactMap { effect -> DurableRecord? in
            if case .persist(let record) = effect { return record }
            return nil
        }
        #expect(records.contains { if case .stableCheckpoint = $0 { return true } else { return false } })
        #expect(records.contains { if case .prepared = $0 { return true } else { return false } })
        #expect(try JSONDecoder().decode([DurableRecord].self, from: JSONEncoder().encode(records)) == records)
    }
}

/// Bytes travel as text: hex digests and signatures, base64 payloads; bad text is refused.
struct ByteTextCodingTests {
    @Test("payloads are base64, digests and signatures hex, and every length round-trips")
    func forms() throws {
        for length in 0..<7 {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + 3) }
            let signed = SignedMessage(message: .prePrepare(PrePrepare(view: 1, sequence: 2,
                                                                       proposal: Proposal(payload: payload, digest: Digest([0xab, 0x01])),
                                                                       replica: ReplicaID(0))),
                                       signature: [0xde, 0xad])
            let data = try JSONEncoder().encode(signed)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("\"signature\":\"dead\"") && text.contains("\"digest\":\"ab01\""))
            #expect(try JSONDecoder().decode(SignedMessage.self, from: data) == signed)
        }
        let three = try JSONEncoder().encode(Proposal(payload: Array("Man".utf8), digest: .null))
        #expect(String(decoding: three, as: UTF8.self).contains("\"payload\":\"TWFu\""))
    }

    @Test("invalid hex or base64 is a decoding error, not a crash")
    func invalidText() {
        for json in [#"{"payload":"TWF","digest":""}"#, #"{"payload":"T!Fu","digest":""}"#, #"{"payload":"TWFu","digest":"AB"}"#,
                     #"{"payload":"TWFu","digest":"abc"}"#, #"{"payload":"T=Fu","digest":""}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Proposal.self, from: Data(json.utf8)) }
        }
    }
}
