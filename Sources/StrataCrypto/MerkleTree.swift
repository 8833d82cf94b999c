/// A binary Merkle tree over SHA-256 in the shape of RFC 9162 §2.1 (Certificate Transparency):
/// leaves hash as SHA-256(0x00 ‖ leaf), interior nodes as SHA-256(0x01 ‖ left ‖ right), and a tree of
/// n leaves splits at the largest power of two below n. The domain-separation prefixes stop a leaf from
/// being passed off as an interior node (second-preimage attacks).
public struct MerkleTree: Sendable {
    /// The leaf hashes, in order.
    public let leafHashes: [Digest]
    public let root: Digest

    /// The root of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot = SHA256.hash([UInt8]())

    public init(leaves: [[UInt8]]) {
        self.init(leafHashes: leaves.map(MerkleTree.leafHash))
    }

    public init(leafHashes: [Digest]) {
        self.leafHashes = leafHashes
        self.root = leafHashes.isEmpty ? MerkleTree.emptyRoot : MerkleTree.subtreeRoot(leafHashes[...])
    }

    public static func leafHash(_ leaf: [UInt8]) -> Digest {
        SHA256.hash(parts: [[0x00], leaf])
    }

    static func nodeHash(_ left: Digest, _ right: Digest) -> Digest {
        SHA256.hash(parts: [[0x01], left.bytes, right.bytes])
    }

    /// The largest power of two strictly less than `n` (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    static func subtreeRoot(_ hashes: ArraySlice<Digest>) -> Digest {
        if hashes.count == 1 { return hashes[hashes.startIndex] }
        let k = split(hashes.count)
        let mid = hashes.startIndex + k
        return nodeHash(subtreeRoot(hashes[hashes.startIndex..<mid]), subtreeRoot(hashes[mid...]))
    }

    /// The inclusion proof (audit path) of leaf `index`, siblings listed from the leaf upwards.
    public func proof(forLeafAt index: Int) throws(CryptoError) -> MerkleProof {
        guard index >= 0, index < leafHashes.count else {
            throw CryptoError(.invalidProof, "leaf index \(index) is outside a tree of \(leafHashes.count) leaves")
        }
        var path = [Digest]()
        MerkleTree.auditPath(index, leafHashes[...], into: &path)
        return MerkleProof(leafIndex: index, treeSize: leafHashes.count, siblings: path)
    }

    private static func auditPath(_ index: Int, _ hashes: ArraySlice<Digest>, into path: inout [Digest]) {
        guard hashes.count > 1 else { return }
        let k = split(hashes.count)
        let mid = hashes.startIndex + k
        if index < k {
            auditPath(index, hashes[hashes.startIndex..<mid], into: &path)
            path.append(subtreeRoot(hashes[mid...]))
        } else {
            auditPath(index - k, hashes[mid...], into: &path)
            path.append(subtreeRoot(hashes[hashes.startIndex..<mid]))
        }
    }
}

/// A Merkle inclusion proof: leaf position, tree size and the sibling hashes from the leaf upwards.
public struct MerkleProof: Sendable, Hashable, Codable {
    public let leafIndex: Int
    public let treeSize: Int
    public let siblings: [Digest]

    public init(leafIndex: Int, treeSize: Int, siblings: [Digest]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.siblings = siblings
    }

    /// Verifies that `leafHash` is at `leafIndex` of a tree of `treeSize` leaves with root `root`
    /// (the algorithm of RFC 9162 §2.1.3.2). Returns false for any mismatch, never throws.
    public func verify(leafHash: Digest, root: Digest) -> Bool {
        guard leafIndex >= 0, leafIndex < treeSize else { return false }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for sibling in siblings {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = MerkleTree.nodeHash(sibling, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleTree.nodeHash(r, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    public func verify(leaf: [UInt8], root: Digest) -> Bool {
        verify(leafHash: MerkleTree.leafHash(leaf), root: root)
    }
}

extension Digest: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard Hex.isLowercase(text, byteCount: 32) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected 64 lowercase hex digits"))
        }
        self.init(unchecked: try Hex.decode(text))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
