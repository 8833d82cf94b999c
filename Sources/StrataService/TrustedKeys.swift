import Foundation
import StrataCrypto

/// The public keys a service trusts, from a folder of `*.pub` files (64 lowercase hex each).
public enum TrustedKeys {
    /// nil when no folder is configured (any correctly signed sender is accepted).
    public static func load(_ folder: String?) throws(ServiceError) -> Set<String>? {
        guard let folder else { return nil }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pub") }.sorted()
        } catch {
            throw ServiceError(.configuration, "cannot read the trusted keys folder \(folder): \(error.localizedDescription)")
        }
        var keys = Set<String>()
        for name in names {
            let text = ((try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard (try? PublicKey(hex: text)) != nil else {
                throw ServiceError(.configuration, "\(folder)/\(name) is not a 64-hex-digit Ed25519 public key")
            }
            keys.insert(text)
        }
        return keys
    }
}
