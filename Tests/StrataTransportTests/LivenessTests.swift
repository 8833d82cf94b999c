import StrataTransport
import Testing

/// Heartbeat liveness with a stepped clock: alive, late, dead after `liveness` silent intervals, back.
struct LivenessTests {
    @Test("a silent peer goes late after one interval, dead after three, and recovers when heard")
    func lifecycle() {
        let start = ContinuousClock.now
        var table = Liveness<String>(interval: .seconds(1), liveness: 3)
        table.heard("mec-0", at: start)
        table.heard("mec-1", at: start)
        #expect(table.check(at: start + .milliseconds(900)).isEmpty)
        table.heard("mec-1", at: start + .milliseconds(900))
        let late = table.check(at: start + .milliseconds(1500))
        #expect(late.map(\.peer) == ["mec-0"] && late.first?.state == .late)
        table.heard("mec-1", at: start + .milliseconds(2800))
        let dead = table.check(at: start + .seconds(3))
        #expect(dead.count == 1 && dead.first?.peer == "mec-0" && dead.first?.state == .dead)
        #expect(table.state(of: "mec-1") == .alive)
        table.heard("mec-0", at: start + .seconds(4))
        #expect(table.state(of: "mec-0") == .alive)
        #expect(table.peers["mec-0"]?.recoveries == 1 && table.peers["mec-0"]?.beats == 2)
        table.remove("mec-0")
        #expect(table.state(of: "mec-0") == nil)
    }
}
