import COpenSSL

/// An error from StrataCrypto: a stable code plus a human message that names the problem.
public struct CryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidKey = "invalid_key"
        case invalidSignature = "invalid_signature"
        case keyFile = "key_file"
        case openssl = "openssl"
        case invalidHex = "invalid_hex"
        case invalidProof = "invalid_proof"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Wraps the most recent OpenSSL error (if any) with the operation that failed.
    static func openssl(_ operation: String) -> CryptoError {
        let err = ERR_get_error()
        guard err != 0 else { return CryptoError(.openssl, "\(operation) failed") }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(err, &buffer, buffer.count)
        ERR_clear_error()
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return CryptoError(.openssl, "\(operation) failed: \(text)")
    }
}
