import StrataTransport
import Testing

/// ZeroMQ CURVE: a client that pins the server's public key is served; one with a wrong key is not.
@Suite(.timeLimit(.minutes(1)))
struct CurveTests {
    @Test("CURVE: accepted with the right server key, refused with a wrong one")
    func curve() async throws {
        let serverKeys = try CurveKeyPair.generate()
        let server = try ReplyServer(bind: "tcp://127.0.0.1:*", options: SocketOptions.control.with(curve: .server(serverKeys))) { _ in
            Array("secret ok".utf8)
        }
        defer { server.close(lingerMillis: 0) }

        let good = try Requester(connect: server.endpoint,
                                 options: SocketOptions.control.with(curve: .client(try .generate(), serverPublicKey: serverKeys.publicKey)))
        defer { good.close() }
        #expect(try await good.request([1]) == Array("secret ok".utf8))
        let receivedFromGood = server.counters.received.value

        let impostorKey = try CurveKeyPair.generate().publicKey
        let wrong = try Requester(connect: server.endpoint,
                                  options: SocketOptions.control.with(curve: .client(try .generate(), serverPublicKey: impostorKey)))
        defer { wrong.close() }
        await #expect(throws: TransportError.self) {
            _ = try await wrong.request([1], timeout: .milliseconds(300), retries: 1)
        }
        let plain = try Requester(connect: server.endpoint)
        defer { plain.close() }
        await #expect(throws: TransportError.self) {
            _ = try await plain.request([1], timeout: .milliseconds(300), retries: 0)
        }
        #expect(server.counters.received.value == receivedFromGood, "nothing from the wrong key or from a plain client got through")
    }

    @Test("a malformed CURVE key is a clear error")
    func badKey() {
        #expect {
            _ = try ReplyServer(bind: "tcp://127.0.0.1:*",
                                options: SocketOptions.control.with(curve: .server(CurveKeyPair(publicKey: "short", secretKey: "short")))) { _ in [] }
        } throws: { error in
            (error as? TransportError)?.message.contains("Z85") == true
        }
    }
}
