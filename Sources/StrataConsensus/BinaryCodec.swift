/// The binary form of consensus messages, certificates, committed entries and durable records
/// (SPEC §20): what members sign, send and store. One encoding per value, so a certificate's
/// signatures can be re-checked by encoding the votes again; decoding accepts exactly that encoding
/// (no trailing bytes, no short fields) and never traps on hostile input.
///
/// Integers are big-endian. A message is `01` (the format version), a tag byte, then its fields:
///
/// | tag | message | fields |
/// |---|---|---|
/// | 1 | pre-prepare | view u64, sequence u64, proposal, replica u32 |
/// | 2 / 3 | prepare / commit | view u64, sequence u64, digest, replica u32 |
/// | 4 | checkpoint | sequence u64, digest, replica u32 |
/// | 5 | view-change | new view u64, stable sequence u64, proof [signed], prepared [certificate], replica u32 |
/// | 6 | new-view | view u64, view-changes [signed], pre-prepares [pre-prepare body], replica u32 |
/// | 7 | fetch | from sequence u64, replica u32 |
/// | 8 | entries | entries [entry], replica u32 |
///
/// digest = u8 length + bytes; proposal = u32 length + payload, digest; signed = u8 length +
/// signature, message; certificate = view u64, sequence u64, proposal, prepares [signed];
/// entry = view u64, sequence u64, proposal, commits [signed]; [x] = u32 count + that many x.
public enum BinaryCodec {
    public static let version: UInt8 = 1
    /// Signed messages nest (a new-view holds view-changes that hold prepares); deeper is refused.
    static let maxDepth = 4

    public static func encode(_ message: ConsensusMessage) -> [UInt8] {
        var writer = Writer()
        writer.message(message)
        return writer.bytes
    }

    public static func encode(_ entry: CommittedEntry) -> [UInt8] {
        var writer = Writer()
        writer.u8(version)
        writer.entry(entry)
        return writer.bytes
    }

    public static func encode(_ record: DurableRecord) -> [UInt8] {
        var writer = Writer()
        writer.u8(version)
        switch record {
        case .sent(let message):
            writer.u8(1)
            writer.message(message)
        case .prepared(let certificate):
            writer.u8(2)
            writer.certificate(certificate)
        case .stableCheckpoint(let sequence, let proof):
            writer.u8(3)
            writer.u64(sequence)
            writer.signedList(proof)
        }
        return writer.bytes
    }

    public static func decodeMessage(_ bytes: [UInt8]) throws(CodecError) -> ConsensusMessage {
        try whole(bytes) { reader throws(CodecError) in try reader.message(depth: 0) }
    }

    public static func decodeEntry(_ bytes: [UInt8]) throws(CodecError) -> CommittedEntry {
        try whole(bytes) { reader throws(CodecError) in
            try reader.expectVersion()
            return try reader.entry(depth: 0)
        }
    }

    public static func decodeRecord(_ bytes: [UInt8]) throws(CodecError) -> DurableRecord {
        try whole(bytes) { reader throws(CodecError) in
            try reader.expectVersion()
            switch try reader.u8() {
            case 1: return .sent(try reader.message(depth: 0))
            case 2: return .prepared(try reader.certificate(depth: 0))
            case 3: return .stableCheckpoint(sequence: try reader.u64(), proof: try reader.signedList(depth: 0))
            case let tag: throw CodecError("unknown durable record tag \(tag)")
            }
        }
    }

    /// Reads one value with `read` and requires that it used every byte.
    private static func whole<T>(_ bytes: [UInt8], _ read: (inout Reader) throws(CodecError) -> T) throws(CodecError) -> T {
        try bytes.withUnsafeBufferPointer { buffer throws(CodecError) in
            var reader = Reader(buffer)
            let value = try read(&reader)
            try reader.finish()
            return value
        }
    }

    /// Why bytes are not a consensus value.
    public struct CodecError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    struct Writer {
        var bytes: [UInt8] = []

        mutating func u8(_ value: UInt8) { bytes.append(value) }
        mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
        // Replica indices and lengths are small by the core's bounds; larger ones are clamped so
        // encoding never traps, and such a value can never decode back to a valid message.
        mutating func replica(_ id: ReplicaID) { u32(UInt32(clamping: id.rawValue)) }
        mutating func shortBytes(_ value: [UInt8]) {
            u8(UInt8(clamping: value.count))
            bytes.append(contentsOf: value.prefix(255))
        }
        mutating func longBytes(_ value: [UInt8]) {
            u32(UInt32(clamping: value.count))
            bytes.append(contentsOf: value.prefix(Int(UInt32.max)))
        }
        mutating func count(_ value: Int) { u32(UInt32(clamping: value)) }

        mutating func proposal(_ proposal: Proposal) {
            longBytes(proposal.payload)
            shortBytes(proposal.digest.bytes)
        }

        mutating func prePrepare(_ m: PrePrepare) {
            u64(m.view)
            u64(m.sequence)
            proposal(m.proposal)
            replica(m.replica)
        }

        mutating func signed(_ signed: SignedMessage) {
            shortBytes(signed.signature)
            message(signed.message)
        }

        mutating func signedList(_ list: [SignedMessage]) {
            count(list.count)
            for item in list { signed(item) }
        }

        /// A certificate and an entry share one layout: view, sequence, proposal, signed votes.
        mutating func certified(view: UInt64, sequence: UInt64, _ proposal: Proposal, _ votes: [SignedMessage]) {
            u64(view)
            u64(sequence)
            self.proposal(proposal)
            signedList(votes)
        }

        mutating func certificate(_ c: PreparedCertificate) { certified(view: c.view, sequence: c.sequence, c.proposal, c.prepares) }
        mutating func entry(_ e: CommittedEntry) { certified(view: e.view, sequence: e.sequence, e.proposal, e.commits) }

        mutating func message(_ message: ConsensusMessage) {
            u8(BinaryCodec.version)
            switch message {
            case .prePrepare(let m):
                u8(1)
                prePrepare(m)
            case .prepare(let v), .commit(let v):
                if case .prepare = message { u8(2) } else { u8(3) }
                u64(v.view)
                u64(v.sequence)
                shortBytes(v.digest.bytes)
                replica(v.replica)
            case .checkpoint(let c):
                u8(4)
                u64(c.sequence)
                shortBytes(c.digest.bytes)
                replica(c.replica)
            case .viewChange(let m):
                u8(5)
                u64(m.newView)
                u64(m.stableSequence)
                signedList(m.checkpointProof)
                count(m.prepared.count)
                for certificate in m.prepared { self.certificate(certificate) }
                replica(m.replica)
            case .newView(let m):
                u8(6)
                u64(m.view)
                signedList(m.viewChanges)
                count(m.prePrepares.count)
                for item in m.prePrepares { prePrepare(item) }
                replica(m.replica)
            case .fetch(let m):
                u8(7)
                u64(m.fromSequence)
                replica(m.replica)
            case .entries(let m):
                u8(8)
                count(m.entries.count)
                for item in m.entries { entry(item) }
                replica(m.replica)
            }
        }
    }

    struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        var remaining: Int { buffer.count - offset }

        mutating func take(_ count: Int, _ what: String) throws(CodecError) -> UnsafeBufferPointer<UInt8> {
            guard count >= 0, count <= remaining else {
                throw CodecError("\(what) needs \(count) bytes at offset \(offset), \(remaining) left")
            }
            defer { offset += count }
            return UnsafeBufferPointer(rebasing: buffer[offset ..< offset + count])
        }

        mutating func u8() throws(CodecError) -> UInt8 { try take(1, "a byte")[0] }

        mutating func u32() throws(CodecError) -> UInt32 {
            try take(4, "a 32-bit integer").reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func u64() throws(CodecError) -> UInt64 {
            try take(8, "a 64-bit integer").reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func replica() throws(CodecError) -> ReplicaID { ReplicaID(Int(try u32())) }
        mutating func shortBytes(_ what: String) throws(CodecError) -> [UInt8] { Array(try take(Int(try u8()), what)) }
        mutating func longBytes(_ what: String) throws(CodecError) -> [UInt8] { Array(try take(Int(try u32()), what)) }

        /// A list count; each element takes at least one byte, so a count beyond the bytes left is
        /// refused before anything is allocated for it.
        mutating func count(_ what: String) throws(CodecError) -> Int {
            let count = Int(try u32())
            guard count <= remaining else { throw CodecError("\(what): \(count) items cannot fit in \(remaining) bytes") }
            return count
        }

        mutating func expectVersion() throws(CodecError) {
            let version = try u8()
            guard version == BinaryCodec.version else {
                throw CodecError("format version \(version), expected \(BinaryCodec.version)")
            }
        }

        mutating func finish() throws(CodecError) {
            guard remaining == 0 else { throw CodecError("\(remaining) bytes after the value") }
        }

        mutating func proposal() throws(CodecError) -> Proposal {
            let payload = try longBytes("a payload")
            return Proposal(payload: payload, digest: Digest(try shortBytes("a digest")))
        }

        mutating func prePrepare() throws(CodecError) -> PrePrepare {
            PrePrepare(view: try u64(), sequence: try u64(), proposal: try proposal(), replica: try replica())
        }

        mutating func vote() throws(CodecError) -> Vote {
            Vote(view: try u64(), sequence: try u64(), digest: Digest(try shortBytes("a digest")), replica: try replica())
        }

        mutating func signed(depth: Int) throws(CodecError) -> SignedMessage {
            let signature = try shortBytes("a signature")
            return SignedMessage(message: try message(depth: depth + 1), signature: signature)
        }

        mutating func signedList(depth: Int) throws(CodecError) -> [SignedMessage] {
            var list: [SignedMessage] = []
            for _ in 0 ..< (try count("signed messages")) { list.append(try signed(depth: depth)) }
            return list
        }

        mutating func certificate(depth: Int) throws(CodecError) -> PreparedCertificate {
            PreparedCertificate(view: try u64(), sequence: try u64(), proposal: try proposal(), prepares: try signedList(depth: depth))
        }

        mutating func entry(depth: Int) throws(CodecError) -> CommittedEntry {
            CommittedEntry(view: try u64(), sequence: try u64(), proposal: try proposal(), commits: try signedList(depth: depth))
        }

        mutating func message(depth: Int) throws(CodecError) -> ConsensusMessage {
            guard depth <= BinaryCodec.maxDepth else { throw CodecError("signed messages nested deeper than \(BinaryCodec.maxDepth)") }
            try expectVersion()
            switch try u8() {
            case 1: return .prePrepare(try prePrepare())
            case 2: return .prepare(try vote())
            case 3: return .commit(try vote())
            case 4:
                return .checkpoint(Checkpoint(sequence: try u64(), digest: Digest(try shortBytes("a digest")), replica: try replica()))
            case 5:
                let (newView, stable) = (try u64(), try u64())
                let proof = try signedList(depth: depth)
                var prepared: [PreparedCertificate] = []
                for _ in 0 ..< (try count("prepared certificates")) { prepared.append(try certificate(depth: depth)) }
                return .viewChange(ViewChange(newView: newView, stableSequence: stable, checkpointProof: proof, prepared: prepared,
                                              replica: try replica()))
            case 6:
                let view = try u64()
                let changes = try signedList(depth: depth)
                var prePrepares: [PrePrepare] = []
                for _ in 0 ..< (try count("pre-prepares")) { prePrepares.append(try prePrepare()) }
                return .newView(NewView(view: view, viewChanges: changes, prePrepares: prePrepares, replica: try replica()))
            case 7: return .fetch(FetchRequest(fromSequence: try u64(), replica: try replica()))
            case 8:
                var entries: [CommittedEntry] = []
                for _ in 0 ..< (try count("entries")) { entries.append(try entry(depth: depth)) }
                return .entries(EntriesReply(entries: entries, replica: try replica()))
            case let tag: throw CodecError("unknown message tag \(tag)")
            }
        }
    }
}
