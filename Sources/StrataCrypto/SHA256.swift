import COpenSSL

/// A SHA-256 digest (32 bytes), the content address of blobs and the node hash of Merkle trees.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 32 else {
            throw CryptoError(.invalidHex, "a SHA-256 digest is 32 bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    public init(hex: String) throws(CryptoError) {
        try self.init(bytes: Hex.decode(hex))
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: Digest, rhs: Digest) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// SHA-256 through OpenSSL's EVP interface.
public enum SHA256 {
    public static func hash(_ data: [UInt8]) -> Digest {
        data.withUnsafeBytes { hash(buffer: $0) }
    }

    public static func hash(_ data: ArraySlice<UInt8>) -> Digest {
        data.withUnsafeBytes { hash(buffer: $0) }
    }

    public static func hash(_ text: String) -> Digest {
        hash(Array(text.utf8))
    }

    public static func hash(buffer: UnsafeRawBufferPointer) -> Digest {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { outBuffer in
            EVP_Digest(buffer.baseAddress, buffer.count, outBuffer.baseAddress, &length, EVP_sha256(), nil)
        }
        // EVP_Digest with the built-in SHA-256 only fails on allocation failure: a broken invariant.
        precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return Digest(unchecked: out)
    }

    /// Hashes the concatenation of several byte strings without joining them first.
    public static func hash(parts: [[UInt8]]) -> Digest {
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        precondition(EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1, "EVP_DigestInit_ex failed")
        for part in parts {
            part.withUnsafeBytes { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        }
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(ctx, &out, &length) == 1 && length == 32, "EVP_DigestFinal_ex failed")
        return Digest(unchecked: out)
    }
}
