/// One device's contribution to a round: its locally trained parameters (the whole vector, not a
/// difference), how many rows it trained on, and an optional externally supplied weight (e.g. the
/// device's reputation) for `AggregationRule.weightedFedAvg`.
public struct ModelUpdate: Sendable, Hashable {
    public var parameters: [Float]
    public var sampleCount: Int
    public var weight: Double?

    public init(parameters: [Float], sampleCount: Int, weight: Double? = nil) {
        self.parameters = parameters
        self.sampleCount = sampleCount
        self.weight = weight
    }
}
