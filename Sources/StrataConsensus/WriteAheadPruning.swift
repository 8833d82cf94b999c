/// What a member's write-ahead log may forget once a checkpoint is stable (Castro & Liskov §4.3:
/// messages at or below the stable checkpoint are discarded). `Replica(restoring:)` needs, after
/// pruning, exactly what it needed before: the newest stable checkpoint, records for sequences
/// above it, the member's highest VIEW-CHANGE and NEW-VIEW, and its newest normal-case record
/// (which carries the view it last worked in). Everything else is dropped, so the log stays
/// about one window long instead of growing with the chain.
extension DurableRecord {
    /// Positions in `records` (oldest first, as appended) that a restart no longer needs.
    public static func prunable(_ records: [DurableRecord]) -> [Int] {
        let stable = records.compactMap { record -> UInt64? in
            if case .stableCheckpoint(let sequence, _) = record { return sequence }
            return nil
        }.max() ?? 0
        guard stable > 0 else { return [] }
        var keep = Set<Int>()
        var newestStable: Int?, newestNormal: Int?
        var highestChange: (index: Int, view: UInt64)?, highestNewView: (index: Int, view: UInt64)?
        for (index, record) in records.enumerated() {
            switch record {
            case .stableCheckpoint(let sequence, _):
                if sequence == stable { newestStable = index }
            case .prepared(let certificate):
                if certificate.sequence > stable { keep.insert(index) }
            case .sent(let message):
                switch message {
                case .prePrepare(let m):
                    newestNormal = index
                    if m.sequence > stable { keep.insert(index) }
                case .prepare(let m), .commit(let m):
                    newestNormal = index
                    if m.sequence > stable { keep.insert(index) }
                case .checkpoint(let m):
                    if m.sequence > stable { keep.insert(index) }
                case .viewChange(let m):
                    if m.newView >= highestChange?.view ?? 0 { highestChange = (index, m.newView) }
                case .newView(let m):
                    if m.view >= highestNewView?.view ?? 0 { highestNewView = (index, m.view) }
                case .fetch, .entries:
                    break
                }
            }
        }
        for index in [newestStable, newestNormal, highestChange?.index, highestNewView?.index].compactMap({ $0 }) {
            keep.insert(index)
        }
        return records.indices.filter { !keep.contains($0) }
    }
}
