import Foundation
import Logging
import ServiceLifecycle
import StrataBus
import StrataCrypto
import StrataProtocol
import StrataService
import StrataTransport
import Testing

/// The bus as a real service in a ServiceGroup, on real loopback sockets.
@Suite(.timeLimit(.minutes(1)))
struct BusServiceTests {
    struct Running {
        let service: BusService
        let group: ServiceGroup
        let task: Task<Void, any Error>
        let endpoints: [String: String]
    }

    func start(heartbeatMillis: Int = 100) async throws -> Running {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-bus-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var config = BusConfiguration()
        config.frontend = "tcp://127.0.0.1:*"
        config.backend = "tcp://127.0.0.1:*"
        config.requests = "tcp://127.0.0.1:*"
        config.heartbeatMillis = heartbeatMillis
        config.endpointsFile = "\(folder)/bus.json"
        let logger = Logger(label: "test.bus")
        let service = BusService(configuration: config, signer: EnvelopeSigner(key: try SigningKey()), logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        let task = Task { try await group.run() }
        for _ in 0..<300 {
            if let endpoints = try? EndpointsFile.read(config.endpointsFile!) {
                return Running(service: service, group: group, task: task, endpoints: endpoints)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the bus did not write its endpoints file")
        throw CancellationError()
    }

    @Test("the bus forwards its own signed heartbeat, a verified note, and drops a forged one with its code")
    func forwardsAndVerifies() async throws {
        let bus = try await start()
        let watcher = try BusWatcher(endpoint: try #require(bus.endpoints["backend"]))
        var events = watcher.events.makeAsyncIterator()
        // The heartbeat also proves the subscription is through (slow joiner).
        var sawHeartbeat = false
        while !sawHeartbeat, let event = try await events.next() {
            if case .verified(let topic, let message, _) = event {
                sawHeartbeat = topic == "node.heartbeat.bus" && message.envelope.type == "node.heartbeat"
            }
        }
        #expect(sawHeartbeat)
        let publisher = try Publisher(endpoint: try #require(bus.endpoints["frontend"]))
        let key = try SigningKey()
        let signer = EnvelopeSigner(key: key)
        let impostor = try SigningKey()
        // A new publisher's first messages are lost until the bus's subscriptions reach it, so the
        // pair (forged, genuine) is sent again until the genuine note is seen.
        let sending = Task {
            for n in 0..<500 where !Task.isCancelled {
                var forged = try signer.seal(DiagNote(n: Int64(n), text: "forged")).envelope
                forged.sig = Hex.encode(impostor.sign(forged.canonicalBytes()))
                publisher.publish(topic: "diag.note", payload: forged.wireBytes())
                publisher.publish(topic: "diag.note", payload: try signer.seal(DiagNote(n: Int64(n), text: "genuine")).wire)
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        var note: DiagNote?
        while note == nil, let event = try await events.next() {
            if case .verified(_, let message, _) = event, message.envelope.type == "diag.note" {
                note = try message.body(as: DiagNote.self)
                #expect(message.sender == key.publicKey)
            }
        }
        #expect(note?.text == "genuine")
        // The first pair through may have lost its forged half to the joining gap; the next ones
        // arrive whole, and each forged note is dropped with bad_signature.
        while (watcher.rejected.snapshot[.badSignature] ?? 0) == 0, try await events.next() != nil {}
        sending.cancel()
        #expect((watcher.rejected.snapshot[.badSignature] ?? 0) >= 1)
        #expect(watcher.rejected.snapshot.keys.allSatisfy { $0 == .badSignature })
        publisher.close()
        watcher.close()
        await bus.group.triggerGracefulShutdown()
        try await bus.task.value
    }

    @Test("the bus answers diag.echo on its request endpoint, signed")
    func echo() async throws {
        let bus = try await start(heartbeatMillis: 0)
        let client = try Requester(connect: try #require(bus.endpoints["requests"]))
        let signer = EnvelopeSigner(key: try SigningKey())
        let sealed = try signer.seal(DiagEcho(text: "ping"))
        let reply = try await client.request(sealed.wire)
        guard case .success(let message) = InboundValidator().accept(reply) else {
            Issue.record("the reply does not validate")
            return
        }
        #expect(message.envelope.re == sealed.envelope.id)
        #expect(try message.body(as: DiagEchoOK.self).text == "ping")
        #expect(bus.service.requestStats.answered.value == 1)
        client.close()
        await bus.group.triggerGracefulShutdown()
        try await bus.task.value
    }

    @Test("a bad configuration is refused with a message naming the field")
    func badConfiguration() {
        var config = BusConfiguration()
        config.backend = "udp://nowhere"
        #expect(throws: BusError.self) { try config.validate() }
        config.backend = config.frontend
        #expect { try config.validate() } throws: { "\($0)".contains("must differ") }
    }
}
