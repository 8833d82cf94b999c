import Testing
import StrataCrypto
@testable import StrataLedger

/// Byte-for-byte vectors of `TestChain.make()` (seed 1). Ed25519 signing is deterministic (RFC 8032),
/// so any change to key derivation, canonical bytes, hashing or signing changes these: if one fails,
/// the ledger format changed and docs/ledger.md, the other implementations and stored chains must follow.
struct GoldenChainTests {
    @Test("genesis header, first transaction and head hash of the seed-1 test chain are pinned")
    func vectors() throws {
        let chain = try TestChain.make()
        #expect(String(decoding: try chain.blocks[0].header.canonicalBytes(), as: UTF8.self) == """
            {"chain":"lmuc/test-1","height":0,"previous":"0000000000000000000000000000000000000000000000000000000000000000",\
            "proposer":"4bb675de4f6376ab61737033d701560e4434be1d6736562ae29b8835b763cd24","time":1767225600000,"txCount":4,\
            "txRoot":"f45df54d7ae4139514ee4efc0ca8c234e8ac4542c5beda6e431c0798534e12d7","type":"strata.block/1"}
            """)
        #expect(String(decoding: chain.blocks[0].transactions[0].canonicalBytes, as: UTF8.self) == """
            {"body":{"members":["4bb675de4f6376ab61737033d701560e4434be1d6736562ae29b8835b763cd24",\
            "810f94d89039eee11d927f71e2a9e4550cbda306d4cd8e5acf6020885ed381a1",\
            "003a11215155f4d445aa6302b45f979079bf3b4e087c9896870e098ab679ccc9",\
            "83f7f378091ec2b033253159639308b3c7e4c2f532ef679b02e25d2cd94e84ab"]},\
            "chain":"lmuc/test-1","kind":"member_set_change","nonce":1,\
            "sig":"8afadcce3f5aba13f72ef990b4ea90868b2d99a1251999755aeb9b691e8bcb6b5f7d86737052bc5235eb6b33f9e28deb43b68756c5540b9ac603d333eecc5b0f",\
            "signer":"4bb675de4f6376ab61737033d701560e4434be1d6736562ae29b8835b763cd24","type":"strata.tx/1"}
            """)
        #expect(chain.state.headHash.hex == "999abf06a8c962aea07724c2a47dd54a54b94506e500b535646431b1f838a022")
    }
}
