import Foundation
import StrataTransport
import Testing

/// Real DEALER/ROUTER sockets on loopback: replies, a dead peer, a restarted peer, size limits.
@Suite(.timeLimit(.minutes(1)))
struct RequestReplyTests {
    func echoServer(_ endpoint: String = "tcp://127.0.0.1:*", options: SocketOptions = .control) throws -> ReplyServer {
        try ReplyServer(bind: endpoint, options: options) { request in
            Array("re:".utf8) + (request.frames.first ?? [])
        }
    }

    @Test("a request gets its reply, and concurrent requests each get their own")
    func replies() async throws {
        let server = try echoServer()
        defer { server.close(lingerMillis: 0) }
        let client = try Requester(connect: server.endpoint)
        defer { client.close() }
        let replies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask { String(decoding: try await client.request(Array("\(index)".utf8)), as: UTF8.self) }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(replies == Set((0..<20).map { "re:\($0)" }))
    }

    @Test("a dead peer: each attempt times out, the request is retried, then fails with a clear error")
    func deadPeer() async throws {
        // A port that was just free: bind a server to learn one, then close it.
        let probe = try echoServer()
        let endpoint = probe.endpoint
        probe.close(lingerMillis: 0)
        let client = try Requester(connect: endpoint)
        defer { client.close() }
        let started = ContinuousClock.now
        var attempts = 0
        do {
            _ = try await client.request(timeout: .milliseconds(150), retries: 2) { attempt in
                attempts = attempt + 1
                return [1]
            }
            Issue.record("a request to a dead peer returned")
        } catch let error as TransportError {
            #expect(error.code == .timeout)
            #expect(error.message.contains("after 3 attempt(s)") && error.message.contains(endpoint))
        }
        #expect(attempts == 3)
        #expect(client.timeouts.value == 3)
        #expect(started.duration(to: .now) >= .milliseconds(450))
    }

    @Test("a peer that comes back on the same endpoint is reached again (Lazy Pirate reconnect)")
    func reconnect() async throws {
        let first = try echoServer()
        let endpoint = first.endpoint
        let client = try Requester(connect: endpoint)
        defer { client.close() }
        #expect(try await client.request([1]) == Array("re:".utf8) + [1])
        first.close(lingerMillis: 0)
        // libzmq releases the port asynchronously after close; bind again as soon as it is free.
        var rebound: ReplyServer?
        for _ in 0..<100 where rebound == nil {
            rebound = try? echoServer(endpoint)
            if rebound == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let second = try #require(rebound, "the port was released")
        defer { second.close(lingerMillis: 0) }
        let reply = try await client.request([2], timeout: .milliseconds(500), retries: 5)
        #expect(reply == Array("re:".utf8) + [2])
    }

    @Test("an oversize frame is refused by the socket limit; the server keeps serving others")
    func oversize() async throws {
        let server = try echoServer(options: .control)
        defer { server.close(lingerMillis: 0) }
        let big = try Requester(connect: server.endpoint, options: .bulk)
        defer { big.close() }
        await #expect(throws: TransportError.self) {
            _ = try await big.request([UInt8](repeating: 7, count: 100 * 1024), timeout: .milliseconds(300), retries: 0)
        }
        let small = try Requester(connect: server.endpoint)
        defer { small.close() }
        #expect(try await small.request([3]) == Array("re:".utf8) + [3])
        #expect(server.counters.received.value == 1, "the oversize request never reached the application")
    }

    @Test("a bind to a taken port fails at once with the endpoint in the message")
    func bindConflict() throws {
        let server = try echoServer()
        defer { server.close(lingerMillis: 0) }
        #expect {
            _ = try echoServer(server.endpoint)
        } throws: { error in
            let transport = error as? TransportError
            return transport?.code == .bind && transport?.message.contains(server.endpoint) == true
        }
    }
}
