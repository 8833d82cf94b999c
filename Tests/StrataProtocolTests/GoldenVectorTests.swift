import Foundation
import StrataCrypto
import Testing
@testable import StrataProtocol

/// The golden vectors of `proto-schemas/golden/` are the contract between implementations: the Python
/// reference (`proto-schemas/tools/strata_wire.py`) generated them; the Swift code must agree byte for byte.
struct GoldenVectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let json: [String: String]
        let wire: [UInt8]
        let context: Context
        var testDescription: String { name }
    }

    struct Context: Sendable {
        var nowMs: Int64
        var maxBytes: Int
        var freshnessMs: Int64
        var knownSenders: Set<String>?
        var lastSeq: [String: Int64]
        var topic: String?
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("proto-schemas/golden")

    static func load(_ folder: String) -> [Vector] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            let wire: [UInt8]
            if let text = object["wire"] as? String {
                wire = Array(text.utf8)
            } else if let encoded = object["wire_base64"] as? String, let bytes = Data(base64Encoded: encoded) {
                wire = Array(bytes)
            } else {
                return nil
            }
            let ctx = object["context"] as? [String: Any] ?? [:]
            let context = Context(
                nowMs: (ctx["now_ms"] as? NSNumber)?.int64Value ?? 0,
                maxBytes: (ctx["max_bytes"] as? NSNumber)?.intValue ?? 1_048_576,
                freshnessMs: (ctx["freshness_ms"] as? NSNumber)?.int64Value ?? 30_000,
                knownSenders: (ctx["known_senders"] as? [String]).map(Set.init),
                lastSeq: (ctx["last_seq"] as? [String: NSNumber] ?? [:]).mapValues(\.int64Value),
                topic: ctx["topic"] as? String)
            var strings: [String: String] = [:]
            for key in ["expect", "canonical", "signer", "description"] { strings[key] = object[key] as? String }
            return Vector(name: name, json: strings, wire: wire, context: context)
        }
    }

    static let valid = load("valid")
    static let invalid = load("invalid")

    static func validator(for context: Context) -> InboundValidator {
        let policy = InboundPolicy(maxBytes: context.maxBytes, freshnessMillis: context.freshnessMs, knownSenders: context.knownSenders)
        let validator = InboundValidator(policy: policy)
        for (sender, seq) in context.lastSeq { validator.recordAccepted(sender: sender, seq: seq, now: context.nowMs) }
        return validator
    }

    /// Decodes a body as its Swift type and encodes it again.
    static func reencode(type: String, body: JSONValue) throws -> JSONValue {
        func roundTrip<B: MessageBody>(_: B.Type) throws -> JSONValue {
            try JSONValueEncoder.encode(JSONValueDecoder.decode(B.self, from: body))
        }
        switch type {
        case ErrorReply.messageType: return try roundTrip(ErrorReply.self)
        case DiagEcho.messageType: return try roundTrip(DiagEcho.self)
        case DiagEchoOK.messageType: return try roundTrip(DiagEchoOK.self)
        case DiagNote.messageType: return try roundTrip(DiagNote.self)
        case DiagModel.messageType: return try roundTrip(DiagModel.self)
        case NodeHeartbeat.messageType: return try roundTrip(NodeHeartbeat.self)
        case HealthGet.messageType: return try roundTrip(HealthGet.self)
        case HealthGetOK.messageType: return try roundTrip(HealthGetOK.self)
        case ConsensusSubmit.messageType: return try roundTrip(ConsensusSubmit.self)
        case ConsensusSubmitOK.messageType: return try roundTrip(ConsensusSubmitOK.self)
        case ConsensusStatus.messageType: return try roundTrip(ConsensusStatus.self)
        case ConsensusStatusOK.messageType: return try roundTrip(ConsensusStatusOK.self)
        default: throw ProtocolError(.unknownType, type)
        }
    }

    @Test("the golden folders are present and cover every message type")
    func coverage() {
        #expect(Self.valid.count >= 10, "no golden vectors found under \(Self.root.path)")
        #expect(Self.invalid.count >= 30)
        let types = Set(Self.valid.compactMap { try? Envelope(shape: JSONParser.parse($0.wire)).type })
        #expect(types == Set(MessageCatalog.standard.types))
    }

    @Test("valid vector: accepted, canonical bytes match, typed re-encoding matches, signature verifies", arguments: valid)
    func validVector(_ vector: Vector) throws {
        let result = Self.validator(for: vector.context).accept(vector.wire, topic: vector.context.topic, now: vector.context.nowMs)
        let message: VerifiedMessage
        switch result {
        case .success(let verified): message = verified
        case .failure(let rejected):
            Issue.record("rejected with \(rejected.error)")
            return
        }
        let canonical = try #require(vector.json["canonical"])
        #expect(String(decoding: message.envelope.canonicalBytes(), as: UTF8.self) == canonical)
        var retyped = message.envelope
        retyped.body = try Self.reencode(type: retyped.type, body: retyped.body)
        #expect(String(decoding: retyped.canonicalBytes(), as: UTF8.self) == canonical)
        let signature = try Hex.decode(message.envelope.sig)
        #expect(message.sender.verify(signature: signature, message: Array(canonical.utf8)))
    }

    @Test("invalid vector: rejected with its labelled code", arguments: invalid)
    func invalidVector(_ vector: Vector) throws {
        let expected = try #require(vector.json["expect"])
        let result = Self.validator(for: vector.context).accept(vector.wire, topic: vector.context.topic, now: vector.context.nowMs)
        switch result {
        case .success:
            Issue.record("accepted, expected \(expected)")
        case .failure(let rejected):
            #expect(rejected.error.code.rawValue == expected, "\(rejected.error.message)")
        }
    }
}
