import Foundation
import StrataTransport
import Testing

/// Real PUB/SUB sockets through a real XSUB/XPUB forwarder on loopback (tcp and ipc).
@Suite(.timeLimit(.minutes(1)))
struct PubSubTests {
    func roundTrip(frontend: String, backend: String) async throws {
        let forwarder = try Forwarder(frontend: frontend, backend: backend)
        defer { forwarder.close(lingerMillis: 0) }
        let subscriber = try Subscriber(endpoint: forwarder.backend, topics: ["probe", "data."])
        defer { subscriber.close() }
        let publisher = try Publisher(endpoint: forwarder.frontend)
        defer { publisher.close(lingerMillis: 0) }
        let inbox = Inbox(subscriber)
        #expect(await awaitSubscription(publisher, inbox), "the subscription reached the publisher")
        // Given a joined subscriber, when 200 messages are published, then all arrive in order.
        for index in 0..<200 { publisher.publish(topic: "data.\(index % 3)", payload: Array("message \(index)".utf8)) }
        var received: [String] = []
        while received.count < 200, let message = await inbox.next() {
            if message.topic.hasPrefix("data.") { received.append(String(decoding: message.payload, as: UTF8.self)) }
        }
        #expect(received == (0..<200).map { "message \($0)" })
        #expect(forwarder.forwarded.value >= 200)
    }

    @Test("pub/sub through the forwarder over tcp with ports read back")
    func tcp() async throws {
        try await roundTrip(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
    }

    @Test("pub/sub through the forwarder over ipc:// in a temporary folder")
    func ipc() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await roundTrip(frontend: "ipc://\(folder)/front", backend: "ipc://\(folder)/back")
    }

    @Test("a subscriber gets only its topic prefixes")
    func prefixes() async throws {
        let forwarder = try Forwarder(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
        defer { forwarder.close(lingerMillis: 0) }
        let subscriber = try Subscriber(endpoint: forwarder.backend, topics: ["probe", "node.heartbeat."])
        defer { subscriber.close() }
        let publisher = try Publisher(endpoint: forwarder.frontend)
        defer { publisher.close(lingerMillis: 0) }
        let inbox = Inbox(subscriber)
        #expect(await awaitSubscription(publisher, inbox))
        publisher.publish(topic: "diag.note", payload: [1])
        publisher.publish(topic: "node.heartbeat.mec", payload: [2])
        let message = await inbox.nextData()
        #expect(message?.topic == "node.heartbeat.mec", "diag.note was filtered out before it")
    }

    @Test("a slow joiner misses what was published before it subscribed, then receives")
    func slowJoiner() async throws {
        let forwarder = try Forwarder(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
        defer { forwarder.close(lingerMillis: 0) }
        let publisher = try Publisher(endpoint: forwarder.frontend)
        defer { publisher.close(lingerMillis: 0) }
        // Given nobody subscribed, when "early" messages are published, then they are gone.
        for _ in 0..<50 { publisher.publish(topic: "early", payload: [0]) }
        try await Task.sleep(for: .milliseconds(100))
        let late = try Subscriber(endpoint: forwarder.backend, topics: ["early", "probe"])
        defer { late.close() }
        let inbox = Inbox(late)
        #expect(await awaitSubscription(publisher, inbox))
        publisher.publish(topic: "early", payload: [1])
        let message = await inbox.nextData()
        #expect(message?.payload == [1], "the first 'early' message it sees is the one after it joined")
    }

    @Test("a consumer that does not read is bounded: overflow is counted, not buffered without limit")
    func boundedBuffer() async throws {
        let forwarder = try Forwarder(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
        defer { forwarder.close(lingerMillis: 0) }
        let subscriber = try Subscriber(endpoint: forwarder.backend, topics: [""], bufferLimit: 5)
        defer { subscriber.close() }
        let publisher = try Publisher(endpoint: forwarder.frontend)
        defer { publisher.close(lingerMillis: 0) }
        // Nobody reads this subscriber: wait for the subscription by its receive counter.
        var probes = 0
        while subscriber.counters.received.value == 0 && probes < 200 {
            publisher.publish(topic: "probe", payload: [0])
            try await Task.sleep(for: .milliseconds(10))
            probes += 1
        }
        let before = subscriber.counters.received.value
        #expect(before > 0, "the subscription reached the publisher")
        for _ in 0..<100 { publisher.publish(topic: "flood", payload: [7]) }
        var waited = 0
        while subscriber.counters.received.value < before + 100 && waited < 300 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(subscriber.counters.received.value == before + 100)
        #expect(subscriber.overflowed.dropped.value == before + 100 - 5, "only 5 are kept for the reader that never reads")
    }
}
