import Foundation
import Synchronization
import StrataTransport

/// Reads a subscriber's messages with a deadline, so a lost message fails the test instead of hanging.
/// One consumer task drains the stream into a buffer (cancelling an AsyncStream's reader would end
/// the stream, so waits poll the buffer instead).
final class Inbox: Sendable {
    private final class Buffer: Sendable {
        let messages = Mutex<[PubSubMessage]>([])
    }

    private let buffer = Buffer()
    private let reader: Task<Void, Never>

    init(_ subscriber: Subscriber) {
        let buffer = self.buffer
        reader = Task {
            for await message in subscriber.messages { buffer.messages.withLock { $0.append(message) } }
        }
    }

    deinit { reader.cancel() }

    /// The next message that is not a leftover subscription probe (see `awaitSubscription`).
    func nextData(within timeout: Duration = .seconds(3)) async -> PubSubMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = await next(within: deadline - ContinuousClock.now) else { return nil }
            if message.topic != "probe" { return message }
        }
        return nil
    }

    /// The next message, or nil if none arrives within `timeout`.
    func next(within timeout: Duration = .seconds(3)) async -> PubSubMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let message = buffer.messages.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return message }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }
}

/// Publishes `probe` until the subscriber sees one (the PUB/SUB slow-joiner gap: a subscription
/// takes a moment to reach the publisher), then drains nothing else. Returns false on timeout.
func awaitSubscription(_ publisher: Publisher, _ inbox: Inbox, topic: String = "probe", attempts: Int = 100) async -> Bool {
    for _ in 0..<attempts {
        publisher.publish(topic: topic, payload: Array("probe".utf8))
        if let message = await inbox.next(within: .milliseconds(50)), message.topic == topic { return true }
    }
    return false
}

/// A fresh folder for ipc:// endpoints, removed by the caller.
func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-zmq-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
