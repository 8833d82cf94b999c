import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ed25519 key files: PKCS#8 PEM (the format `openssl genpkey -algorithm ed25519` writes), mode 0600.
public enum KeyFile {
    /// Writes `key` to `path`, creating the file with mode 0600. Refuses to overwrite an existing file.
    public static func write(_ key: SigningKey, to path: String) throws(CryptoError) {
        let pem = try pemBytes(key)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw CryptoError(.keyFile, "cannot create key file \(path): \(errnoText())")
        }
        defer { close(fd) }
        let written = pem.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == pem.count, fsync(fd) == 0 else {
            throw CryptoError(.keyFile, "cannot write key file \(path): \(errnoText())")
        }
    }

    /// Loads a key written by `write` (or by `openssl genpkey -algorithm ed25519`).
    /// Refuses a file that group or others can read, like ssh does.
    public static func load(from path: String) throws(CryptoError) -> SigningKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CryptoError(.keyFile, "cannot read key file \(path): \(errnoText())")
        }
        guard info.st_mode & 0o077 == 0 else {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw CryptoError(.keyFile, "key file \(path) has mode \(mode); it must be 0600 (chmod 600 \(path))")
        }
        guard let file = fopen(path, "r") else {
            throw CryptoError(.keyFile, "cannot open key file \(path): \(errnoText())")
        }
        defer { fclose(file) }
        var contents = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
            guard contents.count < 64 * 1024 else { throw CryptoError(.keyFile, "key file \(path) is too large") }
        }
        return try parse(pem: contents, source: path)
    }

    /// Loads the key at `path`, or creates and writes a new one if the file does not exist.
    public static func loadOrCreate(at path: String) throws(CryptoError) -> (key: SigningKey, created: Bool) {
        if access(path, F_OK) == 0 { return (try load(from: path), false) }
        let key = try SigningKey()
        try write(key, to: path)
        return (key, true)
    }

    static func pemBytes(_ key: SigningKey) throws(CryptoError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openssl("BIO_new") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, key.pkey, nil, nil, 0, nil, nil) == 1 else {
            throw CryptoError.openssl("PEM_write_bio_PrivateKey")
        }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_get_mem_data_shim(bio, &pointer)
        guard let pointer, length > 0 else { throw CryptoError.openssl("BIO_get_mem_data") }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    static func parse(pem: [UInt8], source: String) throws(CryptoError) -> SigningKey {
        let bio = pem.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
        guard let bio else { throw CryptoError.openssl("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        guard let pkey = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            ERR_clear_error()
            throw CryptoError(.keyFile, "\(source) is not a PEM private key")
        }
        guard EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519 else {
            EVP_PKEY_free(pkey)
            throw CryptoError(.keyFile, "\(source) holds a private key that is not Ed25519")
        }
        return try SigningKey(owning: pkey)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
