import COpenSSL

/// An Ed25519 public key (RFC 8032), kept as a parsed OpenSSL key so verification does not re-parse it.
///
/// `EVP_PKEY` objects are immutable after creation and OpenSSL 3 allows concurrent use of one key from
/// several threads for verification, each with its own `EVP_MD_CTX`; hence `@unchecked Sendable`.
public final class PublicKey: @unchecked Sendable, Hashable, CustomStringConvertible {
    public let rawBytes: [UInt8]
    let pkey: OpaquePointer

    public init(rawBytes: [UInt8]) throws(CryptoError) {
        guard rawBytes.count == 32 else {
            throw CryptoError(.invalidKey, "an Ed25519 public key is 32 bytes, got \(rawBytes.count)")
        }
        guard let key = rawBytes.withUnsafeBufferPointer({
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32)
        }) else {
            throw CryptoError.openssl("loading an Ed25519 public key")
        }
        self.rawBytes = rawBytes
        self.pkey = key
    }

    public convenience init(hex: String) throws(CryptoError) {
        try self.init(rawBytes: Hex.decode(hex))
    }

    deinit { EVP_PKEY_free(pkey) }

    /// Lowercase hex of the raw key: the `sender` field of every envelope.
    public var hex: String { Hex.encode(rawBytes) }
    /// The first 8 hex digits, for logs and `strata watch`.
    public var shortID: String { String(hex.prefix(8)) }
    public var description: String { hex }

    /// Verifies an Ed25519 signature over `message`. Never throws: a bad signature is `false`.
    public func verify(signature: [UInt8], message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == 64, let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, pkey) == 1 else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            EVP_DigestVerify(ctx, sig.baseAddress, 64, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        }
        if result != 1 { ERR_clear_error() }
        return result == 1
    }

    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        message.withUnsafeBytes { verify(signature: signature, message: $0) }
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.rawBytes == rhs.rawBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawBytes) }
}

/// An Ed25519 signing identity: the 32-byte private seed and its public key.
public final class SigningKey: @unchecked Sendable {
    public let publicKey: PublicKey
    let pkey: OpaquePointer

    /// A fresh key from OpenSSL's CSPRNG.
    public convenience init() throws(CryptoError) {
        var seed = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes(&seed, 32) == 1 else { throw CryptoError.openssl("RAND_bytes") }
        try self.init(seed: seed)
    }

    /// A key from its 32-byte RFC 8032 secret seed.
    public convenience init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == 32 else {
            throw CryptoError(.invalidKey, "an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        guard let key = seed.withUnsafeBufferPointer({
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32)
        }) else {
            throw CryptoError.openssl("loading an Ed25519 private key")
        }
        try self.init(owning: key)
    }

    init(owning key: OpaquePointer) throws(CryptoError) {
        self.pkey = key
        var length = 32
        var raw = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else {
            EVP_PKEY_free(key)
            throw CryptoError.openssl("deriving the Ed25519 public key")
        }
        self.publicKey = try PublicKey(rawBytes: raw)
    }

    deinit { EVP_PKEY_free(pkey) }

    /// The 32-byte secret seed (only for writing key files and test vectors).
    public func seed() throws(CryptoError) -> [UInt8] {
        var length = 32
        var raw = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_private_key(pkey, &raw, &length) == 1, length == 32 else {
            throw CryptoError.openssl("reading the Ed25519 seed")
        }
        return raw
    }

    /// Signs `message` (pure Ed25519, no pre-hash). Returns the 64-byte signature.
    public func sign(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        precondition(EVP_DigestSignInit(ctx, nil, nil, nil, pkey) == 1, "EVP_DigestSignInit(Ed25519) failed")
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        let ok = EVP_DigestSign(ctx, &signature, &length, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        // Signing with a valid in-memory key only fails on allocation failure: a broken invariant.
        precondition(ok == 1 && length == 64, "EVP_DigestSign(Ed25519) failed")
        return signature
    }

    public func sign(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { sign($0) }
    }
}
