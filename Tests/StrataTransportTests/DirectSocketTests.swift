import Foundation
import Testing
import StrataTransport

/// Sockets a poll loop owns directly (the consensus member's inbox and peer links), over real
/// loopback TCP.
struct DirectSocketTests {
    @Test("frames pushed to a bound PULL wake the loop and arrive whole and in order")
    func pushPull() throws {
        let loop = try PollLoop()
        let inbox = try DirectSocket(bind: "tcp://127.0.0.1:*", kind: .pull)
        defer { inbox.close() }
        #expect(inbox.endpoint.hasPrefix("tcp://127.0.0.1:") && !inbox.endpoint.hasSuffix(":*"))
        let link = try DirectSocket(connect: inbox.endpoint, kind: .push)
        defer { link.close() }
        for number in 0..<100 { #expect(link.send(Array("frame \(number)".utf8))) }
        var received: [String] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while received.count < 100, ContinuousClock.now < deadline {
            let readable = loop.wait([inbox], timeoutMillis: 100)
            #expect(readable.count == 1)
            while let frames = inbox.receive() {
                #expect(frames.count == 1)
                received.append(String(decoding: frames[0], as: UTF8.self))
            }
        }
        #expect(received == (0..<100).map { "frame \($0)" })
        #expect(inbox.counters.received.value == 100 && link.counters.sent.value == 100)
    }

    @Test("wake() from another thread ends a wait that has no timeout; a quiet wait times out")
    func wakeAndTimeout() throws {
        let loop = try PollLoop()
        let inbox = try DirectSocket(bind: "tcp://127.0.0.1:*", kind: .pull)
        defer { inbox.close() }
        let start = ContinuousClock.now
        let quiet = loop.wait([inbox], timeoutMillis: 50)
        #expect(quiet == [false] && start.duration(to: .now) >= .milliseconds(45))
        let waker = Thread { Thread.sleep(forTimeInterval: 0.1); loop.wake() }
        waker.start()
        let woken = ContinuousClock.now
        #expect(loop.wait([inbox], timeoutMillis: -1) == [false])
        #expect(woken.duration(to: .now) < .seconds(5))
    }

    @Test("a send on a closed socket is dropped and counted, and a closed socket is left out of the poll")
    func closed() throws {
        let loop = try PollLoop()
        let link = try DirectSocket(connect: "tcp://127.0.0.1:9", kind: .push)
        link.close()
        #expect(!link.send([1, 2, 3]))
        #expect(link.counters.dropped.value == 1 && link.counters.sent.value == 0)
        #expect(link.receive() == nil)
        #expect(loop.wait([link], timeoutMillis: 10) == [false])
    }
}
