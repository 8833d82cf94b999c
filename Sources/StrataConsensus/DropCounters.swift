/// Inputs a member dropped, by reason. A dropped input never changes any other state.
public struct DropCounters: Hashable, Sendable, CustomStringConvertible {
    /// Sender is not a member of the group.
    public var nonMember = 0
    /// Signature did not verify (the outer message or one inside a certificate's envelope).
    public var badSignature = 0
    /// Larger than a configured bound (payload, digest, signature, certificate or list length).
    public var oversize = 0
    /// For a view older than the member's current view.
    public var oldView = 0
    /// A vote more than `maxViewLead` views ahead, or a pre-prepare before its NEW-VIEW arrived.
    public var futureView = 0
    /// Sequence number outside the watermarks (h, h + L].
    public var outsideWindow = 0
    /// An exact repeat of something already counted (replayed or duplicated by the network).
    public var duplicate = 0
    /// A second, different vote or pre-prepare from the same member for the same slot.
    public var equivocation = 0
    /// A pre-prepare or new-view from a member that is not the primary of its view.
    public var notPrimary = 0
    /// A proposal that does not match its digest or that the application rejects.
    public var invalidProposal = 0
    /// A request that is malformed, invalid, already pending or executed, or over the queue bound.
    public var rejectedRequest = 0
    /// A certificate or proof inside a message that does not hold (view-change, new-view, entries).
    public var badCertificate = 0
    /// Otherwise malformed (e.g. a checkpoint at a sequence that is not a multiple of K).
    public var malformed = 0
    /// Not a drop, so not in `total`: a PREPARE or COMMIT for a slot that already has its quorum
    /// (or is executed), ignored before its signature is checked. In the normal case each member
    /// sees about n − quorum of them per phase; they could not change any state.
    public var late = 0

    public init() {}

    public var total: Int {
        nonMember + badSignature + oversize + oldView + futureView + outsideWindow + duplicate
            + equivocation + notPrimary + invalidProposal + rejectedRequest + badCertificate + malformed
    }

    /// Adds every count of `other` (sums over members or runs).
    public mutating func add(_ other: DropCounters) {
        nonMember += other.nonMember; badSignature += other.badSignature; oversize += other.oversize
        oldView += other.oldView; futureView += other.futureView; outsideWindow += other.outsideWindow
        duplicate += other.duplicate; equivocation += other.equivocation; notPrimary += other.notPrimary
        invalidProposal += other.invalidProposal; rejectedRequest += other.rejectedRequest
        badCertificate += other.badCertificate; malformed += other.malformed; late += other.late
    }

    public var description: String {
        "nonMember=\(nonMember) badSignature=\(badSignature) oversize=\(oversize) oldView=\(oldView) "
            + "futureView=\(futureView) outsideWindow=\(outsideWindow) duplicate=\(duplicate) "
            + "equivocation=\(equivocation) notPrimary=\(notPrimary) invalidProposal=\(invalidProposal) "
            + "rejectedRequest=\(rejectedRequest) badCertificate=\(badCertificate) malformed=\(malformed) late=\(late)"
    }
}
