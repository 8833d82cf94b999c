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
        // Checks run on the socket's thread in arrival order (a sender's `seq` must be seen in the
        // order it was sent, or concurrent requests would refuse each other as `replayed`); only
        // the handler runs as a task.
        server = try ReplyServer(bind: endpoint, options: options, admit: { request in
            let answer = RequestEndpoint.admit(request.frames, validator: validator, handlers: handlers, stats: stats)
            return {
                let reply = await answer()
                return signer.seal(type: reply.type, body: reply.body, re: reply.re).wire
            }
        })
        self.endpoint = server.endpoint
    }

    /// Requests dropped before the application saw them (no routing envelope, or too many in flight).
    public var transportDrops: Int { server.malformed.value + server.overloaded.value }

    public func close(lingerMillis: Int32 = 200) { server.close(lingerMillis: lingerMillis) }

    struct Reply: Sendable {
        let type: String
        let body: JSONValue
        let re: String
    }

    static let unknownRequestID = String(repeating: "0", count: 32)

    /// Framing, the SPEC §12 checks and the handler lookup, at once; the returned work runs the
    /// handler (or just returns the error reply).
    static func admit(_ frames: [[UInt8]], validator: InboundValidator, handlers: RequestHandlers,
                      stats: EndpointStats) -> @Sendable () async -> Reply {
        stats.received.increment()
        @Sendable func failure(_ error: ProtocolError, re: String?) -> Reply {
            stats.rejected.add(error.code)
            let body = (try? JSONValueEncoder.encode(ErrorReply(error))) ?? .object([:])
            return Reply(type: ErrorReply.messageType, body: body, re: re ?? unknownRequestID)
        }
        // Framing (SPEC §6): exactly one frame after the routing envelope.
        guard frames.count <= 1 else {
            let reply = failure(ProtocolError(.extraFrames, "\(frames.count) frames after the delimiter, a request has 1"), re: nil)
            return { reply }
        }
        let verified: VerifiedMessage
        switch validator.accept(frames.first ?? []) {
        case .success(let message): verified = message
        case .failure(let rejection):
            let reply = failure(rejection.error, re: rejection.requestID)
            return { reply }
        }
        let request = verified.envelope
        guard let handler = handlers.handler(for: request.type) else {
            let reply = failure(ProtocolError(.unknownType, "\(request.type) is not a request this endpoint serves"), re: request.id)
            return { reply }
        }
        return {
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
}

/// Counters of one request endpoint, readable from any thread (health reports them).
public final class EndpointStats: Sendable {
    public let received = Counter()
    public let answered = Counter()
    public let rejected = RejectionCounts()

    public init() {}
}
