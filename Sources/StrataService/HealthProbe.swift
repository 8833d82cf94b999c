import StrataCrypto
public import StrataProtocol
import StrataTransport

/// Asks one service for its health (`health.get`) and checks the answer like any boundary does:
/// a verified reply whose `re` is our request and whose signer is the identity it reports.
public struct HealthProbe: Sendable {
    public let signer: EnvelopeSigner

    public init(signer: EnvelopeSigner) { self.signer = signer }

    public init() throws { signer = EnvelopeSigner(key: try SigningKey()) }

    /// The verified report, or an error saying why the service is considered down.
    public func query(_ endpoint: String, timeout: Duration = .seconds(1), retries: Int = 1) async throws -> HealthGetOK {
        let requester = try Requester(connect: endpoint)
        defer { requester.close() }
        var sentID = ""
        let reply = try await requester.request(timeout: timeout, retries: retries) { _ in
            let sealed = try signer.seal(HealthGet())
            sentID = sealed.envelope.id
            return sealed.wire
        }
        let message: VerifiedMessage
        switch InboundValidator().accept(reply) {
        case .success(let verified): message = verified
        case .failure(let rejection): throw rejection.error
        }
        guard message.envelope.re == sentID else {
            throw ProtocolError(.invalid, "the reply from \(endpoint) answers another request")
        }
        if message.envelope.type == ErrorReply.messageType {
            let error = try message.body(as: ErrorReply.self)
            throw ProtocolError(error.code, "\(endpoint) answered error: \(error.message)")
        }
        let report = try message.body(as: HealthGetOK.self)
        guard report.identity == message.sender.hex else {
            throw ProtocolError(.badSignature, "\(endpoint) reports identity \(report.identity.prefix(8)) but signed as \(message.sender.shortID)")
        }
        return report
    }
}
