import StrataCrypto
public import StrataProtocol
public import StrataTransport

/// A service's request endpoint (SPEC §5.1): a ROUTER socket that validates every request in the
/// order of SPEC §12, dispatches it by type to its handler, and answers with exactly one signed
/// envelope — `<type>.ok` from the handler, or `error` with a stable code. Nothing that fails a check
/// reaches a handler. Every endpoint serves `diag.echo`
/// (echoing the text unless the service registers its own handler).
public final class RequestEndpoint: Sendable {
    private let server: ReplyServer
    /// Where the endpoint is bound (the real port for `tcp://host:*`).
    public let endpoint: String
    public let stats: EndpointStats

    /// Binds `endpoint` now (a taken port or a bad address throws here) and starts answering.
    public init(bind endpoint: String, signer: EnvelopeSigner, handlers: RequestHandlers,
                policy: InboundPolicy = InboundPolicy(), options: SocketOptions = .control,
                stats: EndpointStats = EndpointStats()) throws(TransportError) {
        self.stats = stats
        let validator = InboundValidator(policy: policy)
        let handlers = handlers.types.contains(DiagEcho.messageType)
            ? handlers : handlers.serving(DiagEcho.self) { request, _ in DiagEchoOK(text: request.text) }
        server = try ReplyServer(bind: endpoint, options: options) { request in
            let reply = await RequestEndpoint.answer(request.frames, validator: validator, handlers: handlers, stats: stats)
            return signer.seal(type: reply.type, body: reply.body, re: reply.re).wire
        }
        self.endpoint = server.endpoint
    }

    /// Requests dropped before the application saw them (no routing envelope, or too many in flight).
    public var transportDrops: Int { server.malformed.value + server.overloaded.value }

    public func close(lingerMillis: Int32 = 200) { server.close(lingerMillis: lingerMillis) }

    struct Reply {
        let type: String
        let body: JSONValue
        let re: String
    }

    static let unknownRequestID = String(repeating: "0", count: 32)

    static func answer(_ frames: [[UInt8]], validator: InboundValidator, handlers: RequestHandlers,
                       stats: EndpointStats) async -> Reply {
        stats.received.increment()
        func failure(_ error: ProtocolError, re: String?) -> Reply {
            stats.rejected.add(error.code)
            let body = (try? JSONValueEncoder.encode(ErrorReply(error))) ?? .object([:])
            return Reply(type: ErrorReply.messageType, body: body, re: re ?? unknownRequestID)
        }
        // Framing (SPEC §6): exactly one frame after the routing envelope.
        guard frames.count <= 1 else {
            return failure(ProtocolError(.extraFrames, "\(frames.count) frames after the delimiter, a request has 1"), re: nil)
        }
        let verified: VerifiedMessage
        switch validator.accept(frames.first ?? []) {
        case .success(let message): verified = message
        case .failure(let rejection): return failure(rejection.error, re: rejection.requestID)
        }
        let request = verified.envelope
        guard let handler = handlers.handler(for: request.type) else {
            return failure(ProtocolError(.unknownType, "\(request.type) is not a request this endpoint serves"), re: request.id)
        }
        do {
            let (type, body) = try await handler(verified)
            stats.answered.increment()
            return Reply(type: type, body: body, re: request.id)
        } catch let error as ProtocolError {
            return failure(error, re: request.id)
        } catch {
            return failure(ProtocolError(.internal, "\(request.type) failed: \(error)"), re: request.id)
        }
    }
}

/// Counters of one request endpoint, readable from any thread (health reports them).
public final class EndpointStats: Sendable {
    public let received = Counter()
    public let answered = Counter()
    public let rejected = RejectionCounts()

    public init() {}
}
