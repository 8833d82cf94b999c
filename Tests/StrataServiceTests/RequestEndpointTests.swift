import Foundation
import StrataCrypto
import StrataProtocol
import StrataService
import StrataTransport
import Testing

/// A real ROUTER endpoint on loopback, answered over a real DEALER socket: every item of the
/// bad-input list gets its `error` code, the endpoint keeps serving, and no handler sees bad input.
@Suite(.timeLimit(.minutes(1)))
struct RequestEndpointTests {
    /// A served request type that records what reached the handler.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var texts: [String] = []
        func add(_ text: String) { lock.lock(); texts.append(text); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return texts }
    }

    struct Harness {
        let server: RequestEndpoint
        let client: Requester
        let clientKey: SigningKey
        let clientSigner: EnvelopeSigner
        let serverKey: SigningKey
        let seen: Seen

        init(policy: InboundPolicy = InboundPolicy(), options: SocketOptions = .control) throws {
            serverKey = try SigningKey()
            clientKey = try SigningKey()
            clientSigner = EnvelopeSigner(key: clientKey)
            let seen = Seen()
            self.seen = seen
            let handlers = RequestHandlers().serving(DiagEcho.self) { request, _ in
                seen.add(request.text)
                if request.text == "fail" { throw ProtocolError(.unavailable, "told to fail") }
                return DiagEchoOK(text: request.text.uppercased())
            }
            server = try RequestEndpoint(bind: "tcp://127.0.0.1:*", signer: EnvelopeSigner(key: serverKey),
                                         handlers: handlers, policy: policy, options: options)
            client = try Requester(connect: server.endpoint, options: .bulk)
        }

        /// Sends raw frames and returns the verified reply envelope.
        func exchange(_ payload: [UInt8], timeout: Duration = .seconds(3)) async throws -> Envelope {
            let reply = try await client.request(payload, timeout: timeout, retries: 0)
            let validator = InboundValidator(policy: InboundPolicy(maxBytes: 1 << 20))
            switch validator.accept(reply) {
            case .success(let message):
                #expect(message.sender == serverKey.publicKey, "the reply is signed by the server")
                return message.envelope
            case .failure(let rejection):
                Issue.record("the reply itself does not validate: \(rejection.error)")
                throw rejection.error
            }
        }

        func expectError(_ payload: [UInt8], _ code: ProtocolError.Code, re: String? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let reply = try await exchange(payload)
            #expect(reply.type == "error", sourceLocation: sourceLocation)
            #expect(reply.body["code"]?.stringValue == code.rawValue, "got \(reply.body)", sourceLocation: sourceLocation)
            if let re { #expect(reply.re == re, sourceLocation: sourceLocation) }
        }

        func close() {
            client.close()
            server.close(lingerMillis: 0)
        }
    }

    func echo(_ text: String) throws -> JSONValue { try JSONValueEncoder.encode(DiagEcho(text: text)) }

    @Test("a signed request is dispatched and answered <type>.ok, re = its id, signed by the server")
    func answersRequests() async throws {
        let harness = try Harness()
        defer { harness.close() }
        let sealed = try harness.clientSigner.seal(DiagEcho(text: "hello"))
        let reply = try await harness.exchange(sealed.wire)
        #expect(reply.type == "diag.echo.ok")
        #expect(reply.re == sealed.envelope.id)
        #expect(reply.body["text"]?.stringValue == "HELLO")
        #expect(harness.server.stats.answered.value == 1)
    }

    @Test("every item of the bad-input list gets its error code; none reaches the handler")
    func badInputList() async throws {
        let stranger = try SigningKey()
        let harness = try Harness(policy: InboundPolicy(maxBytes: 2048))
        defer { harness.close() }
        let zeros = String(repeating: "0", count: 32)
        // Malformed JSON and the wrong top-level shape.
        try await harness.expectError(Array("{\"proto\":".utf8), .malformed, re: zeros)
        try await harness.expectError(Array("[1,2]".utf8), .malformed, re: zeros)
        // Missing fields and wrong types.
        try await harness.expectError(Array(#"{"proto":"strata/1","type":"diag.echo"}"#.utf8), .invalid, re: zeros)
        let wrongType = harness.clientSigner.seal(type: "diag.echo", body: .object(["text": .integer(7)])).envelope
        try await harness.expectError(wrongType.wireBytes(), .invalid, re: wrongType.id)
        // Unknown type, and a known type that is not a request this endpoint serves.
        let unknown = harness.clientSigner.seal(type: "diag.unknown", body: .object([:]))
        try await harness.expectError(unknown.wire, .unknownType, re: unknown.envelope.id)
        let note = try harness.clientSigner.seal(DiagNote(n: 1, text: "not a request"))
        try await harness.expectError(note.wire, .unknownType, re: note.envelope.id)
        // Wrong protocol version (re-signed so only the version is wrong).
        var version = harness.clientSigner.seal(type: "diag.echo", body: try echo("v")).envelope
        version.proto = "strata/2"
        version.sig = Hex.encode(harness.clientKey.sign(version.canonicalBytes()))
        try await harness.expectError(version.wireBytes(), .unsupportedVersion)
        // Oversize for the application limit (2 KiB) but within the socket's.
        let big = try harness.clientSigner.seal(DiagEcho(text: String(repeating: "x", count: 3000)))
        try await harness.expectError(big.wire, .tooLarge, re: zeros)
        // A forged signature: the envelope names the client, a stranger signed it.
        var forged = harness.clientSigner.seal(type: "diag.echo", body: try echo("forged")).envelope
        forged.sig = Hex.encode(stranger.sign(forged.canonicalBytes()))
        try await harness.expectError(forged.wireBytes(), .badSignature, re: forged.id)
        // A replayed sequence number: the same signed request twice.
        let once = try harness.clientSigner.seal(DiagEcho(text: "once"))
        _ = try await harness.exchange(once.wire)
        try await harness.expectError(once.wire, .replayed, re: once.envelope.id)
        // A stale timestamp (two minutes old, window 30 s).
        let stale = try harness.clientSigner.seal(DiagEcho(text: "late"), now: WallClock.nowMillis() - 120_000)
        try await harness.expectError(stale.wire, .stale, re: stale.envelope.id)
        // A handler that refuses answers its own code.
        let refused = try harness.clientSigner.seal(DiagEcho(text: "fail"))
        try await harness.expectError(refused.wire, .unavailable, re: refused.envelope.id)
        // Only the good request and the refused one reached the handler.
        #expect(harness.seen.all == ["once", "fail"])
        let rejected = harness.server.stats.rejected.snapshot
        #expect(rejected[.malformed] == 2 && rejected[.invalid] == 2 && rejected[.unknownType] == 2)
        #expect(rejected[.badSignature] == 1 && rejected[.replayed] == 1 && rejected[.stale] == 1 && rejected[.tooLarge] == 1)
        // Still serving.
        let after = try await harness.exchange(try harness.clientSigner.seal(DiagEcho(text: "still up")).wire)
        #expect(after.body["text"]?.stringValue == "STILL UP")
    }

    @Test("a request with extra frames is answered extra_frames")
    func extraFrames() async throws {
        let harness = try Harness()
        defer { harness.close() }
        let sealed = try harness.clientSigner.seal(DiagEcho(text: "two"))
        let reply = try await harness.client.request(frames: [sealed.wire, Array("trailing".utf8)], timeout: .seconds(3), retries: 0)
        let envelope = try JSONParser.parse(reply)
        #expect(envelope["type"]?.stringValue == "error")
        #expect(envelope["body"]?["code"]?.stringValue == "extra_frames")
        #expect(harness.seen.all.isEmpty)
    }

    @Test("an unknown sender is refused where the endpoint has a roster")
    func unknownSender() async throws {
        let member = try SigningKey()
        let harness = try Harness(policy: InboundPolicy(knownSenders: [member.publicKey.hex]))
        defer { harness.close() }
        let sealed = try harness.clientSigner.seal(DiagEcho(text: "who am i"))
        try await harness.expectError(sealed.wire, .unknownSender, re: sealed.envelope.id)
        let memberReply = try await harness.exchange(try EnvelopeSigner(key: member).seal(DiagEcho(text: "member")).wire)
        #expect(memberReply.type == "diag.echo.ok")
    }

    @Test("many concurrent requests from one sender over one connection are all answered, none refused as replayed")
    func concurrentFromOneSender() async throws {
        let harness = try Harness()
        let (client, signer) = (harness.client, harness.clientSigner)
        // Each envelope takes the next `seq` as it is sealed; the endpoint must check them in the
        // order they arrive, not in the order concurrent handlers happen to run.
        let replies = try await withThrowingTaskGroup(of: String.self) { group in
            for number in 0..<200 {
                group.addTask {
                    let reply = try await client.request(timeout: .seconds(10), retries: 0) { _ in
                        try signer.seal(DiagEcho(text: "n\(number)")).wire
                    }
                    guard case .success(let message) = InboundValidator().accept(reply) else { return "invalid reply" }
                    return message.envelope.type
                }
            }
            var types: [String] = []
            for try await type in group { types.append(type) }
            return types
        }
        #expect(replies.count == 200)
        #expect(replies.allSatisfy { $0 == "diag.echo.ok" }, "answers: \(Dictionary(grouping: replies, by: { $0 }).mapValues(\.count))")
        #expect(harness.seen.all.count == 200)
    }
}
