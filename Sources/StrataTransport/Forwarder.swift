import CZeroMQ
import Foundation
import Synchronization

/// The event bus: an XSUB/XPUB forwarder on its own thread. Publishers connect to the XSUB
/// `frontend`, subscribers to the XPUB `backend`; data flows downstream and subscriptions upstream,
/// frame for frame, never parsed (SPEC §4). A message the backend cannot take (high-water mark) is
/// dropped by libzmq's XPUB semantics and counted in `dropped`.
public final class Forwarder: Sendable {
    /// Where publishers connect (bound; the real port when bound to `:*`).
    public let frontend: String
    /// Where subscribers connect.
    public let backend: String
    /// Messages forwarded downstream, dropped at the backend, and subscription frames sent upstream.
    public let forwarded = Counter()
    public let dropped = Counter()
    public let subscriptions = Counter()
    /// Upstream frames that were not subscriptions (a subscriber sending data) and were ignored.
    public let ignored = Counter()

    private let wake: WakePipe
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(true)
    private let sockets: SocketPair

    /// Binds both sides now (so address errors throw here) and starts forwarding.
    public init(frontend: String, backend: String, options: SocketOptions = .bulk) throws(TransportError) {
        let xsub = try Socket(.xsub, options: options)
        self.frontend = try xsub.bind(frontend)
        let xpub = try Socket(.xpub, options: options)
        self.backend = try xpub.bind(backend)
        wake = try WakePipe()
        sockets = SocketPair(xsub: xsub, xpub: xpub)
        let thread = Thread { [self] in self.run() }
        thread.name = "strata-zmq-bus"
        thread.start()
    }

    public var isRunning: Bool { running.load(ordering: .acquiring) }

    /// Stops forwarding and closes both sockets (waits for the thread).
    public func close(lingerMillis: Int32 = 200) {
        guard running.load(ordering: .acquiring) else { return }
        stopRequested.store(true, ordering: .releasing)
        wake.wake()
        finished.wait()
        sockets.xsub.close(lingerMillis: lingerMillis)
        sockets.xpub.close(lingerMillis: lingerMillis)
    }

    deinit { close(lingerMillis: 0) }

    private func run() {
        let xsub = sockets.xsub, xpub = sockets.xpub
        var items = [zmq_pollitem_t](repeating: zmq_pollitem_t(), count: 3)
        while !stopRequested.load(ordering: .acquiring) {
            items[0] = zmq_pollitem_t(socket: nil, fd: wake.readEnd, events: Int16(ZMQ_POLLIN), revents: 0)
            items[1] = zmq_pollitem_t(socket: xsub.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            items[2] = zmq_pollitem_t(socket: xpub.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            guard zmq_poll(&items, 3, 1000) >= 0 else { continue }
            if items[0].revents != 0 { wake.drain() }
            // Bounded batches keep one busy side from starving the other.
            for _ in 0..<1024 {
                guard let frames = xsub.receive() else { break }
                if (try? xpub.send(frames)) == true { forwarded.increment() } else { dropped.increment() }
            }
            for _ in 0..<1024 {
                guard let frames = xpub.receive() else { break }
                // Subscription frames start with 0x01 (subscribe) or 0x00 (unsubscribe).
                guard frames.count == 1, let first = frames[0].first, first <= 1 else {
                    ignored.increment()
                    continue
                }
                subscriptions.increment()
                _ = try? xsub.send(frames)
            }
        }
        running.store(false, ordering: .releasing)
        finished.signal()
    }
}

/// The forwarder's two sockets; only its thread touches them until `close`.
private final class SocketPair: @unchecked Sendable {
    let xsub: Socket
    let xpub: Socket

    init(xsub: Socket, xpub: Socket) {
        self.xsub = xsub
        self.xpub = xpub
    }
}
