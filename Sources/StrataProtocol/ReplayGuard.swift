/// Replay and freshness checks (SPEC §Security: replay).
///
/// Keeps the highest accepted `seq` per sender. The table is bounded: when full, it first forgets
/// senders last heard from outside the freshness window (their old messages are refused as stale
/// anyway), then the least recently heard sender. Forgetting a sender can only let a message through
/// that is still inside the freshness window, never an old one.
struct ReplayGuard: Sendable {
    struct Entry: Sendable {
        var lastSeq: Int64
        var lastHeard: Int64
    }

    let capacity: Int
    let freshnessMillis: Int64
    private(set) var entries: [String: Entry] = [:]

    init(capacity: Int, freshnessMillis: Int64) {
        self.capacity = max(1, capacity)
        self.freshnessMillis = freshnessMillis
    }

    mutating func check(sender: String, seq: Int64, ts: Int64, now: Int64) throws(ProtocolError) {
        if let entry = entries[sender], seq <= entry.lastSeq {
            throw ProtocolError(.replayed, "sequence \(seq) from \(sender.prefix(8)) is not above the last accepted \(entry.lastSeq)")
        }
        let skew = ts - now
        guard abs(skew) <= freshnessMillis else {
            let direction = skew < 0 ? "old" : "in the future"
            throw ProtocolError(.stale, "timestamp is \(abs(skew)) ms \(direction); the window is ±\(freshnessMillis) ms")
        }
        record(sender: sender, seq: seq, now: now)
    }

    mutating func record(sender: String, seq: Int64, now: Int64) {
        if entries[sender] == nil, entries.count >= capacity { evict(now: now) }
        entries[sender] = Entry(lastSeq: seq, lastHeard: now)
    }

    private mutating func evict(now: Int64) {
        let expired = entries.filter { now - $0.value.lastHeard > freshnessMillis }.map(\.key)
        if !expired.isEmpty {
            for key in expired { entries.removeValue(forKey: key) }
            return
        }
        if let oldest = entries.min(by: { $0.value.lastHeard < $1.value.lastHeard })?.key {
            entries.removeValue(forKey: oldest)
        }
    }
}
