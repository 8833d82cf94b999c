public import StrataProtocol

/// The requests an endpoint serves: for each request type, a handler that returns the typed reply.
/// A handler throws `ProtocolError` to answer `error` with that code; any other error becomes
/// `internal`. Handlers run as tasks and must not block a thread.
public struct RequestHandlers: Sendable {
    typealias Erased = @Sendable (VerifiedMessage) async throws -> (type: String, body: JSONValue)

    private var table: [String: Erased] = [:]

    public init() {}

    /// Adds (or replaces) the handler of `Request`, answering `Reply`.
    public func serving<Request: MessageBody, Reply: MessageBody>(
        _ request: Request.Type,
        _ handler: @escaping @Sendable (Request, VerifiedMessage) async throws -> Reply
    ) -> RequestHandlers {
        var copy = self
        copy.table[Request.messageType] = { message in
            let body = try message.body(as: Request.self)
            let reply = try await handler(body, message)
            return (Reply.messageType, try JSONValueEncoder.encode(reply))
        }
        return copy
    }

    /// The request types served, sorted.
    public var types: [String] { table.keys.sorted() }

    func handler(for type: String) -> Erased? { table[type] }
}
