public import Logging
public import StrataCrypto
public import StrataProtocol
public import StrataTransport

/// What a running service hands to its blueprint: configuration, identity, database, bus publisher,
/// logger and counters. Shared by the runtime's tasks; everything in it is thread-safe.
public struct ServiceContext: Sendable {
    public let configuration: ServiceConfiguration
    public let signer: EnvelopeSigner
    public let database: ServiceDatabase
    public let bus: BusPublisher
    public let logger: Logger
    /// Messages this service received and rejected outside its request endpoint (bus subscriptions).
    public let inbound: EndpointStats

    public var identity: PublicKey { signer.sender }
}

/// A PUB socket to the bus that signs with the service's key and counts what it published.
public final class BusPublisher: Sendable {
    private let publisher: Publisher
    private let signer: EnvelopeSigner
    public let published = Counter()

    public init(frontend: String, signer: EnvelopeSigner) throws(TransportError) {
        publisher = try Publisher(endpoint: frontend, options: .bulk)
        self.signer = signer
    }

    /// Seals `body` and publishes it on `topic`.
    public func publish<Body: MessageBody>(_ body: Body, topic: String) throws(ProtocolError) {
        publisher.publish(topic: topic, payload: try signer.seal(body).wire)
        published.increment()
    }

    public func close(lingerMillis: Int32 = 500) { publisher.close(lingerMillis: lingerMillis) }
}
