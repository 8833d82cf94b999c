import CZeroMQ
import Foundation
import Synchronization

/// Counters every socket owner keeps (read from any thread).
public final class SocketCounters: Sendable {
    public let sent = Counter()
    public let received = Counter()
    /// Outbound messages dropped because the send queue was full (high-water mark).
    public let dropped = Counter()

    init() {}
}

/// One dedicated OS thread that alone owns one ZeroMQ socket: it polls the socket and a wake-up pipe,
/// delivers every inbound multipart message to `onMessage`, performs sends queued from any thread, and
/// calls `onTick` at least every `tickMillis`. Swift concurrency never blocks on a socket: async callers
/// only enqueue commands and await continuations.
final class SocketThread: @unchecked Sendable {
    enum Command {
        case send([[UInt8]])
        case reopen
        case stop(lingerMillis: Int32)
    }

    let name: String
    let counters = SocketCounters()
    private let makeSocket: () throws(TransportError) -> Socket
    private var socket: Socket
    private let commands = Mutex<[Command]>([])
    private let wake: WakePipe
    private let onMessage: @Sendable ([[UInt8]]) -> Void
    private let onTick: (@Sendable () -> Void)?
    private let tickMillis: Int
    private let finished = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(true)

    /// Creates the socket now (so bind and connect errors throw here) and starts the thread.
    init(name: String, tickMillis: Int = 50, makeSocket: @escaping () throws(TransportError) -> Socket,
         onMessage: @escaping @Sendable ([[UInt8]]) -> Void, onTick: (@Sendable () -> Void)? = nil) throws(TransportError) {
        self.name = name
        self.makeSocket = makeSocket
        self.socket = try makeSocket()
        self.onMessage = onMessage
        self.onTick = onTick
        self.tickMillis = tickMillis
        self.wake = try WakePipe()
        let thread = Thread { [self] in self.run() }
        thread.name = "strata-zmq-\(name)"
        thread.start()
    }

    var isRunning: Bool { running.load(ordering: .acquiring) }

    func enqueue(_ command: Command) {
        commands.withLock { $0.append(command) }
        wake.wake()
    }

    func send(_ frames: [[UInt8]]) { enqueue(.send(frames)) }

    /// Stops the thread, closing the socket with `lingerMillis`, and waits for it to finish.
    func stop(lingerMillis: Int32 = 200) {
        guard running.load(ordering: .acquiring) else { return }
        enqueue(.stop(lingerMillis: lingerMillis))
        finished.wait()
    }

    private func run() {
        var items = [zmq_pollitem_t](repeating: zmq_pollitem_t(), count: 2)
        var lastTick = DispatchTime.now().uptimeNanoseconds
        loop: while true {
            items[0] = zmq_pollitem_t(socket: nil, fd: wake.readEnd, events: Int16(ZMQ_POLLIN), revents: 0)
            items[1] = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            _ = zmq_poll(&items, socket.isClosed ? 1 : 2, tickMillis)
            if items[0].revents != 0 { wake.drain() }
            for command in commands.withLock({ queue in defer { queue.removeAll() }; return queue }) {
                switch command {
                case .send(let frames): perform(send: frames)
                case .reopen: reopen()
                case .stop(let linger):
                    socket.close(lingerMillis: linger)
                    break loop
                }
            }
            while !socket.isClosed, let frames = socket.receive() {
                counters.received.increment()
                onMessage(frames)
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if let onTick, now - lastTick >= UInt64(tickMillis) * 1_000_000 {
                lastTick = now
                onTick()
            }
        }
        running.store(false, ordering: .releasing)
        finished.signal()
    }

    private func perform(send frames: [[UInt8]]) {
        guard !socket.isClosed else {
            counters.dropped.increment()
            return
        }
        do {
            if try socket.send(frames) {
                counters.sent.increment()
            } else {
                counters.dropped.increment()
            }
        } catch {
            counters.dropped.increment()
        }
    }

    /// Lazy Pirate: throw away a socket whose peer stopped answering and connect a fresh one.
    private func reopen() {
        socket.close(lingerMillis: 0)
        do {
            socket = try makeSocket()
        } catch {
            // The endpoint was valid a moment ago; keep the closed socket and let requests time out.
        }
    }
}
