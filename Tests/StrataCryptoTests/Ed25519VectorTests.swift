import Testing
@testable import StrataCrypto

/// RFC 8032 §7.1 Ed25519 test vectors (TEST 1, 2, 3 and TEST 1024 with its 1023-byte message).
struct Ed25519VectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let seed: String
        let publicKey: String
        let message: String
        let signature: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "TEST 1", seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
               publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", message: "",
               signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        Vector(name: "TEST 2", seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
               publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", message: "72",
               signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        Vector(name: "TEST 3", seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
               publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", message: "af82",
               signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
        Vector(name: "TEST 1024", seed: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
               publicKey: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", message: RFC8032Message.test1024,
               signature: "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"),
    ]

    @Test("RFC 8032 vector: public key and signature match, signature verifies", arguments: vectors)
    func vector(_ vector: Vector) throws {
        let key = try SigningKey(seed: Hex.decode(vector.seed))
        let message = try Hex.decode(vector.message)
        #expect(key.publicKey.hex == vector.publicKey)
        let signature = key.sign(message)
        #expect(Hex.encode(signature) == vector.signature)
        let publicKey = try PublicKey(hex: vector.publicKey)
        #expect(publicKey.verify(signature: signature, message: message))
    }

    @Test("a flipped bit in message, signature or key fails verification", arguments: vectors)
    func tampering(_ vector: Vector) throws {
        let publicKey = try PublicKey(hex: vector.publicKey)
        let message = try Hex.decode(vector.message)
        let signature = try Hex.decode(vector.signature)
        for bit in stride(from: 0, to: 512, by: 37) {
            var forged = signature
            forged[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(!publicKey.verify(signature: forged, message: message))
        }
        #expect(!publicKey.verify(signature: signature, message: message + [0]))
        if !message.isEmpty {
            var changed = message
            changed[changed.count / 2] ^= 0x80
            #expect(!publicKey.verify(signature: signature, message: changed))
        }
        var otherKey = try Hex.decode(vector.publicKey)
        otherKey[0] ^= 1
        if let other = try? PublicKey(rawBytes: otherKey) {
            #expect(!other.verify(signature: signature, message: message))
        }
        #expect(!publicKey.verify(signature: Array(signature.prefix(63)), message: message))
    }

    @Test("wrong key lengths are refused with a clear error")
    func keyLengths() {
        #expect(throws: CryptoError(.invalidKey, "an Ed25519 seed is 32 bytes, got 31")) {
            try SigningKey(seed: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: CryptoError(.invalidKey, "an Ed25519 public key is 32 bytes, got 33")) {
            try PublicKey(rawBytes: [UInt8](repeating: 1, count: 33))
        }
    }
}
