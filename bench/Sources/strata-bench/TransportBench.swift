import Foundation
import StrataCrypto
import StrataProtocol
import StrataTransport

/// Issue 3's benchmark: raw libzmq pub/sub through the forwarder versus Strata envelopes (sign,
/// encode, send, receive, decode, verify) for a 1 KB body and a 101,770-parameter model body, with the
/// bounds measured in the same run: the Ed25519 verify rate of one core, and the base64 + SHA-256
/// rate of the model encoding.
enum TransportBench: BenchSuite {
    static let name = "transport"
    static let summary = "raw ZeroMQ pub/sub through the forwarder vs signed, verified Strata envelopes"
    static let modelParameters = 101_770

    static func run(quick: Bool) async throws -> BenchTable {
        let smallCount = quick ? 2_000 : 20_000
        let modelCount = quick ? 30 : 200
        let key = try SigningKey()
        let verifyRate = measureVerifyRate(key: key, iterations: quick ? 2_000 : 10_000)
        let weights = (0..<modelParameters).map { Float(sin(Double($0))) }
        let encodeRate = measureRate(iterations: quick ? 20 : 100) { _ = ModelParameters(layout: "mlp-784-128-10", values: weights) }
        let probe = ModelParameters(layout: "mlp-784-128-10", values: weights)
        let decodeRate = measureRate(iterations: quick ? 20 : 100) { _ = try? probe.values() }

        let text = String(repeating: "x", count: 1_000)
        let rawSmall = try await PubSubRun.measure(count: smallCount, payloadBytes: 1_000, strata: nil)
        let strataSmall = try await PubSubRun.measure(count: smallCount, payloadBytes: 1_000, strata: .note(text, key))
        let rawModel = try await PubSubRun.measure(count: modelCount, payloadBytes: modelParameters * 4, strata: nil)
        let strataModel = try await PubSubRun.measure(count: modelCount, payloadBytes: 0, strata: .model(weights, key))

        let modelBound = 1 / (1 / encodeRate + 1 / decodeRate)
        var table = BenchTable(columns: ["case", "messages", "received", "msgs/s", "MB/s", "vs raw", "bound msgs/s", "vs bound"])
        func row(_ name: String, _ result: PubSubRun.Result, raw: PubSubRun.Result?, bound: Double?) {
            table.add([name, "\(result.sent)", "\(result.received)", Format.rate(result.rate),
                       String(format: "%.1f", result.megabytesPerSecond),
                       raw.map { Format.ratio(result.rate / $0.rate) } ?? "1.00",
                       bound.map(Format.rate) ?? "-", bound.map { Format.ratio(result.rate / $0) } ?? "-"])
        }
        row("raw 1 KB", rawSmall, raw: nil, bound: nil)
        row("strata 1 KB note", strataSmall, raw: rawSmall, bound: verifyRate)
        row("raw 407 KB frame", rawModel, raw: nil, bound: nil)
        row("strata 101,770-param model", strataModel, raw: rawModel, bound: modelBound)
        table.notes = [
            "Ed25519 verify, one core: \(Format.rate(verifyRate))/s — the bound for small messages (target: >= 0.50 of it).",
            "model body: base64 + SHA-256 encode \(Format.rate(encodeRate))/s, check + decode \(Format.rate(decodeRate))/s; bound = both in series.",
            "Sender and receiver share the machine's cores; 'received' < 'messages' means PUB dropped at the high-water mark.",
        ]
        return table
    }

    static func measureVerifyRate(key: SigningKey, iterations: Int) -> Double {
        let message = [UInt8](repeating: 7, count: 1_200)
        let signature = key.sign(message)
        let publicKey = key.publicKey
        var valid = 0
        let rate = measureRate(iterations: iterations) { if publicKey.verify(signature: signature, message: message) { valid += 1 } }
        precondition(valid == iterations, "the benchmark's own signature must verify")
        return rate
    }

    /// Operations per second of `body` run `iterations` times on this thread.
    static func measureRate(iterations: Int, _ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        for _ in 0..<iterations { body() }
        let elapsed = start.duration(to: .now)
        return Double(iterations) / seconds(elapsed)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// One sender, the forwarder and one receiver on loopback; the clock runs from the first send to the
/// last message received (or a quiet second after the sender finished).
enum PubSubRun {
    enum Content {
        case note(String, SigningKey)
        case model([Float], SigningKey)
    }

    struct Result {
        let sent: Int
        let received: Int
        let bytes: Int
        let elapsed: Double
        var rate: Double { Double(received) / elapsed }
        var megabytesPerSecond: Double { Double(bytes) / elapsed / 1e6 }
    }

    static func measure(count: Int, payloadBytes: Int, strata: Content?) async throws -> Result {
        var options = SocketOptions.bulk
        options.sendHighWaterMark = 100_000
        options.receiveHighWaterMark = 100_000
        let forwarder = try Forwarder(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*", options: options)
        defer { forwarder.close(lingerMillis: 0) }
        let subscriber = try Subscriber(endpoint: forwarder.backend, topics: ["bench"], options: options, bufferLimit: count + 1_000)
        defer { subscriber.close() }
        let publisher = try Publisher(endpoint: forwarder.frontend, options: options)
        defer { publisher.close(lingerMillis: 0) }
        // Wait until the subscription has reached the publisher (slow joiner).
        while subscriber.counters.received.value == 0 {
            publisher.publish(topic: "bench.probe", payload: [0])
            try await Task.sleep(for: .milliseconds(5))
        }
        let validator = InboundValidator(policy: InboundPolicy(maxBytes: 64 * 1024 * 1024))
        let progress = Progress()
        // One receiver task reads and (for Strata) validates every message until `count` arrived or
        // the subscriber is closed after a quiet period.
        let receiver = Task.detached { () -> (received: Int, bytes: Int, verified: Int, last: ContinuousClock.Instant) in
            var received = 0, bytes = 0, verified = 0
            var last = ContinuousClock.now
            for await message in subscriber.messages where message.topic != "bench.probe" {
                received += 1
                bytes += message.payload.count
                if strata != nil {
                    let topic = message.topic == "bench.note" ? "diag.note" : "diag.model"
                    if case .success = validator.accept(message.payload, topic: topic) { verified += 1 }
                }
                last = .now
                progress.received.increment()
                if received == count { break }
            }
            return (received, bytes, verified, last)
        }
        let raw = [UInt8](repeating: 42, count: payloadBytes)
        let start = ContinuousClock.now
        let signer = strata.map { content -> EnvelopeSigner in
            switch content {
            case .note(_, let key), .model(_, let key): return EnvelopeSigner(key: key)
            }
        }
        for index in 0..<count {
            switch strata {
            case .none:
                publisher.publish(topic: "bench.raw", payload: raw)
            case .note(let text, _):
                publisher.publish(topic: "bench.note", payload: try signer!.seal(DiagNote(n: Int64(index), text: text)).wire)
            case .model(let weights, _):
                let body = DiagModel(model: ModelParameters(layout: "mlp-784-128-10", values: weights))
                publisher.publish(topic: "bench.model", payload: try signer!.seal(body).wire)
            }
            // Keep the sender from running more than the socket queue ahead of the receiver.
            while index - progress.received.value > 20_000 { try await Task.sleep(for: .microseconds(100)) }
        }
        // Done sending: wait for the receiver, or for a quiet second (messages dropped on the way).
        var seen = -1
        while progress.received.value < count && progress.received.value != seen {
            seen = progress.received.value
            try await Task.sleep(for: .seconds(1))
        }
        subscriber.close()
        let outcome = await receiver.value
        precondition(strata == nil || outcome.verified == outcome.received,
                     "every Strata message must verify (\(outcome.verified) of \(outcome.received))")
        return Result(sent: count, received: outcome.received, bytes: outcome.bytes,
                      elapsed: TransportBench.seconds(start.duration(to: outcome.last)))
    }

    final class Progress: Sendable {
        let received = Counter()
    }
}
