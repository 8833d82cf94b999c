public import StrataCrypto
public import StrataProtocol

/// One signed ledger entry.
///
/// Wire and storage form: the canonical JSON (RFC 8785) object
/// `{"body":{…},"chain":"lmuc/mec-1","kind":"payment","nonce":7,"sig":"<128 hex>","signer":"<64 hex>","type":"strata.tx/1"}`.
/// The signer signs the canonical JSON of that object without `sig`; the transaction hash (its id and
/// Merkle leaf) is SHA-256 of the canonical JSON with `sig`, so a block commits to the signatures too.
public struct Transaction: Sendable, Hashable {
    public static let typeTag = "strata.tx/1"
    static let fields: Set<String> = ["type", "chain", "kind", "nonce", "signer", "body", "sig"]

    public let chain: ChainID
    /// Makes otherwise identical entries distinct (e.g. two equal payments).
    public let nonce: Int64
    public let signer: PublicKey
    public let payload: TransactionPayload
    public let signature: [UInt8]
    /// SHA-256 of `canonicalBytes`.
    public let hash: Digest
    /// The canonical JSON with `sig`: what is stored and hashed.
    public let canonicalBytes: [UInt8]
    /// The bytes the signer signs: canonical JSON of the object without `sig`.
    public let signedBytes: [UInt8]

    /// Signs `payload` for `chain` with `key`.
    public static func signed(chain: ChainID, nonce: Int64, payload: TransactionPayload, key: SigningKey) throws(LedgerError) -> Transaction {
        let unsigned = try members(chain: chain, nonce: nonce, signer: key.publicKey, payload: payload)
        let signature = key.sign(CanonicalJSON.encode(.object(unsigned)))
        return try Transaction(chain: chain, nonce: nonce, signer: key.publicKey, payload: payload, signature: signature)
    }

    /// Assembles a transaction from its parts without checking the signature (see `hasValidSignature`).
    public init(chain: ChainID, nonce: Int64, signer: PublicKey, payload: TransactionPayload, signature: [UInt8]) throws(LedgerError) {
        guard signature.count == 64 else { throw LedgerError(.malformed, "a transaction signature is 64 bytes, got \(signature.count)") }
        guard nonce >= 0, nonce <= JSONValue.maxSafeInteger else { throw LedgerError(.malformed, "nonce \(nonce) is outside 0…2^53−1") }
        try Transaction.checkFields(payload)
        var object = try Transaction.members(chain: chain, nonce: nonce, signer: signer, payload: payload)
        let signed = CanonicalJSON.encode(.object(object))
        object["sig"] = .string(Hex.encode(signature))
        let bytes = CanonicalJSON.encode(.object(object))
        guard bytes.count <= LedgerLimits.maxTransactionBytes else {
            throw LedgerError(.tooLarge, "a transaction of \(bytes.count) bytes exceeds \(LedgerLimits.maxTransactionBytes)")
        }
        self.chain = chain
        self.nonce = nonce
        self.signer = signer
        self.payload = payload
        self.signature = signature
        self.canonicalBytes = bytes
        self.signedBytes = signed
        self.hash = SHA256.hash(bytes)
    }

    public var hasValidSignature: Bool { signer.verify(signature: signature, message: signedBytes) }

    /// The JSON object (with `sig`), e.g. to embed or print.
    public var json: JSONValue {
        (try? JSONParser.parse(canonicalBytes)) ?? .null
    }

    static func members(chain: ChainID, nonce: Int64, signer: PublicKey, payload: TransactionPayload) throws(LedgerError) -> [String: JSONValue] {
        [
            "type": .string(typeTag), "chain": .string(chain.description), "kind": .string(payload.kind),
            "nonce": .integer(nonce), "signer": .string(signer.hex), "body": try payload.bodyJSON(),
        ]
    }
}

extension Transaction {
    /// Decodes a transaction from bytes received or read from storage: bounded, strict, typed errors.
    public static func decode(_ bytes: [UInt8]) throws(LedgerError) -> Transaction {
        guard bytes.count <= LedgerLimits.maxTransactionBytes else {
            throw LedgerError(.tooLarge, "a transaction of \(bytes.count) bytes exceeds \(LedgerLimits.maxTransactionBytes)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw LedgerError(.malformed, "transaction: \(error.message)") }
        return try decode(value)
    }

    public static func decode(_ value: JSONValue) throws(LedgerError) -> Transaction {
        guard let object = value.objectValue else { throw LedgerError(.malformed, "a transaction is a JSON object, got \(value.typeName)") }
        if let extra = object.keys.first(where: { !fields.contains($0) }) {
            throw LedgerError(.malformed, "transaction has unexpected field \"\(extra.prefix(40))\"")
        }
        let type = try LedgerJSON.string(object, "type", in: "transaction")
        guard type == typeTag else { throw LedgerError(.malformed, "transaction type is \"\(type.prefix(40))\", expected \(typeTag)") }
        let chain = try ChainID(try LedgerJSON.string(object, "chain", in: "transaction"))
        let kind = try LedgerJSON.string(object, "kind", in: "transaction")
        let nonce = try LedgerJSON.integer(object, "nonce", in: "transaction")
        let signer = try LedgerKey.parse(try LedgerJSON.string(object, "signer", in: "transaction"), field: "signer")
        let sigText = try LedgerJSON.string(object, "sig", in: "transaction")
        guard Hex.isLowercase(sigText, byteCount: 64) else { throw LedgerError(.malformed, "transaction sig is not 128 lowercase hex digits") }
        guard let body = object["body"] else { throw LedgerError(.malformed, "transaction: missing field \"body\"") }
        let payload = try TransactionPayload.decode(kind: kind, body: body)
        let signature = (try? Hex.decode(sigText)) ?? []
        return try Transaction(chain: chain, nonce: nonce, signer: signer, payload: payload, signature: signature)
    }
}

/// Field access for hand-decoded ledger objects, with errors that name the object and field.
enum LedgerJSON {
    static func string(_ object: [String: JSONValue], _ key: String, in what: String) throws(LedgerError) -> String {
        guard let value = object[key] else { throw LedgerError(.malformed, "\(what): missing field \"\(key)\"") }
        guard let text = value.stringValue else { throw LedgerError(.malformed, "\(what).\(key) is a \(value.typeName), expected a string") }
        return text
    }

    static func integer(_ object: [String: JSONValue], _ key: String, in what: String) throws(LedgerError) -> Int64 {
        guard let value = object[key] else { throw LedgerError(.malformed, "\(what): missing field \"\(key)\"") }
        guard let number = value.integerValue else { throw LedgerError(.malformed, "\(what).\(key) is a \(value.typeName), expected an integer") }
        return number
    }

    static func encode<T: Encodable>(_ value: T, what: String) throws(LedgerError) -> JSONValue {
        do { return try JSONValueEncoder.encode(value) } catch { throw LedgerError(.malformed, "\(what): \(error.message)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, what: String) throws(LedgerError) -> T {
        do { return try JSONValueDecoder.decode(type, from: value, path: what) } catch { throw LedgerError(.malformed, error.message) }
    }
}
