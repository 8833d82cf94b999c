import Testing
import StrataCrypto
import StrataProtocol
@testable import StrataLedger

struct DecodingTests {
    @Test("the commit vote bytes are pinned byte for byte")
    func commitVoteBytes() throws {
        let block = try Digest(hex: String(repeating: "ab", count: 32))
        let bytes = CommitVote.bytes(chain: "lmuc/mec-1", height: 3, block: block)
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"block":"\#(String(repeating: "ab", count: 32))","chain":"lmuc/mec-1","height":3,"type":"strata.commit/1"}"#)
    }

    @Test("a header hashes its canonical JSON: sorted keys, no spaces, integers and strings only")
    func headerBytes() throws {
        let chain = try TestChain.make(blocks: 1)
        let header = chain.blocks[0].header
        let text = String(decoding: try header.canonicalBytes(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"chain":"lmuc/test-1","height":0,"previous":"0000"#))
        #expect(text.hasSuffix(#","txCount":4,"txRoot":"\#(header.txRoot.hex)","type":"strata.block/1"}"#))
        #expect(try header.hash() == SHA256.hash(Array(text.utf8)))
    }

    @Test("a transaction signs its canonical JSON without sig and hashes it with sig")
    func transactionBytes() throws {
        let chain = try TestChain.make(blocks: 2, transactionsPerBlock: 4)
        let transaction = chain.blocks[1].transactions[3]
        let text = String(decoding: transaction.canonicalBytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"body":{"amount":11,"from":""#))
        #expect(text.contains(#""kind":"payment","nonce":"#))
        #expect(transaction.hash == SHA256.hash(transaction.canonicalBytes))
        var unsigned = try #require(JSONParser.parse(transaction.canonicalBytes).objectValue)
        unsigned["sig"] = nil
        #expect(transaction.signedBytes == CanonicalJSON.encode(.object(unsigned)))
        #expect(transaction.signer.verify(signature: transaction.signature, message: CanonicalJSON.encode(.object(unsigned))))
    }

    @Test("every kind of transaction survives encode and strict decode unchanged")
    func roundTrip() throws {
        let chain = try TestChain.make(blocks: 3)
        for block in chain.blocks {
            let bytes = CanonicalJSON.encode(try block.json)
            let decoded = try Block.decode(bytes)
            #expect(decoded == block)
            #expect(try decoded.header.hash() == block.header.hash())
        }
    }

    @Test("bad input gives typed errors, never a crash", arguments: [
        (#"{"type":"strata.tx/1"}"#, LedgerError.Code.malformed, "missing field"),
        ("[1,2]", .malformed, "is a JSON object"),
        ("{not json", .malformed, "not valid JSON"),
        (#"{"type":"strata.tx/1","chain":"lmuc/a","kind":"teleport","nonce":1,"signer":"\#(String(repeating: "0", count: 64))","body":{},"sig":"\#(String(repeating: "0", count: 128))"}"#,
         .malformed, "unknown transaction kind"),
        (#"{"type":"strata.tx/1","chain":"LMUC/A","kind":"payment","nonce":1,"signer":"x","body":{},"sig":"y"}"#, .malformed, "chain id"),
        (#"{"type":"strata.tx/1","extra":1}"#, .malformed, "unexpected field"),
    ])
    func badTransactions(input: String, code: LedgerError.Code, text: String) {
        expectLedgerError(code, containing: text) { _ = try Transaction.decode(Array(input.utf8)) }
    }

    @Test("a payment body with an unknown field is refused (strict decoding)")
    func unknownBodyField() throws {
        let chain = try TestChain.make(blocks: 2, transactionsPerBlock: 4)
        var object = try #require(chain.blocks[1].transactions[3].json.objectValue)
        var body = try #require(object["body"]?.objectValue)
        body["bonus"] = .integer(1_000_000)
        object["body"] = .object(body)
        expectLedgerError(.malformed, containing: "unexpected field \"bonus\"") { _ = try Transaction.decode(.object(object)) }
    }

    @Test("oversized inputs are refused before parsing")
    func bounds() throws {
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: LedgerLimits.maxTransactionBytes + 1)
        expectLedgerError(.tooLarge) { _ = try Transaction.decode(huge) }
        expectLedgerError(.tooLarge) { _ = try BlockHeader.decode([UInt8](repeating: 0x20, count: LedgerLimits.maxHeaderBytes + 1)) }

        let chain = try TestChain.make(blocks: 2, transactionsPerBlock: 4)
        let many = JSONValue.array(Array(repeating: chain.blocks[1].transactions[0].json, count: LedgerLimits.maxTransactionsPerBlock + 1))
        var object = try #require(try chain.blocks[1].json.objectValue)
        object["transactions"] = many
        expectLedgerError(.tooLarge, containing: "exceeds \(LedgerLimits.maxTransactionsPerBlock)") {
            _ = try Block.decode(CanonicalJSON.encode(.object(object)))
        }
    }

    @Test("a certificate with more signatures than members is refused before verifying any")
    func oversizedCertificate() throws {
        let chain = try TestChain.make()
        let block = chain.blocks[2]
        let extra = block.certificate.signatures + [CommitSignature(member: String(repeating: "ff", count: 32), sig: String(repeating: "00", count: 64)),
                                                    CommitSignature(member: String(repeating: "fe", count: 32), sig: String(repeating: "00", count: 64))]
        let padded = Block(header: block.header, certificate: QuorumCertificate(block: block.certificate.block, signatures: extra), transactions: block.transactions)
        expectLedgerError(.badQC, height: 2, containing: "5 signatures for 4 members") { _ = try chain.state(before: 2).appending(padded) }
    }
}
