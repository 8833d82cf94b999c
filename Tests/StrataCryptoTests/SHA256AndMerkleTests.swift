import Testing
@testable import StrataCrypto

struct SHA256Tests {
    @Test("FIPS 180-2 known answers")
    func knownAnswers() {
        #expect(SHA256.hash("").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(SHA256.hash(million).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("hashing parts equals hashing their concatenation")
    func parts() {
        let parts: [[UInt8]] = [[1, 2, 3], [], [4, 5], Array(repeating: 9, count: 1000)]
        #expect(SHA256.hash(parts: parts) == SHA256.hash(parts.flatMap { $0 }))
    }

    @Test("digest hex round trip and bad input")
    func digestHex() throws {
        let digest = SHA256.hash("abc")
        #expect(try Digest(hex: digest.hex) == digest)
        #expect(throws: CryptoError.self) { try Digest(hex: "abcd") }
        #expect(throws: CryptoError.self) { try Digest(hex: String(repeating: "zz", count: 32)) }
    }
}

struct MerkleTreeTests {
    static func leaves(_ count: Int) -> [[UInt8]] {
        (0..<count).map { Array("leaf-\($0)".utf8) }
    }

    @Test("RFC 9162 shape: leaf and node hashes are domain separated")
    func shape() {
        let leaves = Self.leaves(3)
        let tree = MerkleTree(leaves: leaves)
        let h = leaves.map(MerkleTree.leafHash)
        // n = 3 splits at k = 2: root = H(1 ‖ H(1 ‖ h0 ‖ h1) ‖ h2).
        let expected = MerkleTree.nodeHash(MerkleTree.nodeHash(h[0], h[1]), h[2])
        #expect(tree.root == expected)
        #expect(MerkleTree.leafHash(leaves[0]) == SHA256.hash([0] + leaves[0]))
        #expect(MerkleTree(leaves: []).root == SHA256.hash([UInt8]()))
        #expect(MerkleTree(leaves: [leaves[0]]).root == h[0])
    }

    @Test("every leaf of trees of 1...33 leaves has a proof that verifies", arguments: Array(1...33))
    func proofsVerify(size: Int) throws {
        let leaves = Self.leaves(size)
        let tree = MerkleTree(leaves: leaves)
        for index in 0..<size {
            let proof = try tree.proof(forLeafAt: index)
            #expect(proof.verify(leaf: leaves[index], root: tree.root), "leaf \(index) of \(size)")
        }
    }

    @Test("a proof fails for every tampered leaf, sibling, index, size or root", arguments: [2, 5, 8, 13])
    func tampering(size: Int) throws {
        let leaves = Self.leaves(size)
        let tree = MerkleTree(leaves: leaves)
        for index in 0..<size {
            let proof = try tree.proof(forLeafAt: index)
            // Every other leaf in the same position fails.
            for other in 0..<size where other != index {
                #expect(!proof.verify(leaf: leaves[other], root: tree.root))
            }
            // Every sibling with one flipped bit fails.
            for position in proof.siblings.indices {
                var siblings = proof.siblings
                var bytes = siblings[position].bytes
                bytes[position % 32] ^= 0x01
                siblings[position] = try Digest(bytes: bytes)
                let forged = MerkleProof(leafIndex: index, treeSize: size, siblings: siblings)
                #expect(!forged.verify(leaf: leaves[index], root: tree.root))
            }
            // A flipped root, a dropped or an extra sibling, a wrong index or size fail.
            var rootBytes = tree.root.bytes
            rootBytes[31] ^= 0x80
            #expect(!proof.verify(leaf: leaves[index], root: try Digest(bytes: rootBytes)))
            let shorter = MerkleProof(leafIndex: index, treeSize: size, siblings: Array(proof.siblings.dropLast()))
            #expect(!shorter.verify(leaf: leaves[index], root: tree.root))
            let longer = MerkleProof(leafIndex: index, treeSize: size, siblings: proof.siblings + [tree.root])
            #expect(!longer.verify(leaf: leaves[index], root: tree.root))
            let moved = MerkleProof(leafIndex: (index + 1) % size, treeSize: size, siblings: proof.siblings)
            #expect(!moved.verify(leaf: leaves[index], root: tree.root))
            let outside = MerkleProof(leafIndex: size, treeSize: size, siblings: proof.siblings)
            #expect(!outside.verify(leaf: leaves[index], root: tree.root))
        }
    }

    @Test("asking for a proof outside the tree is a clear error")
    func outOfRange() {
        let tree = MerkleTree(leaves: Self.leaves(4))
        #expect(throws: CryptoError(.invalidProof, "leaf index 4 is outside a tree of 4 leaves")) {
            try tree.proof(forLeafAt: 4)
        }
    }
}
