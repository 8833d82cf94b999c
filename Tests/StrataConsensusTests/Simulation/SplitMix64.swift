/// SplitMix64 (Steele, Lea & Flood 2014): the simulator's only source of randomness, so a seed
/// replays a schedule exactly. Never `SystemRandomNumberGenerator`.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0), by rejection so there is no modulo bias.
    mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = next()
            if value < limit { return value % bound }
        }
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(below(UInt64(range.upperBound - range.lowerBound + 1)))
    }

    mutating func tick(in range: ClosedRange<UInt64>) -> UInt64 {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability perMille / 1000.
    mutating func chance(perMille: Int) -> Bool { perMille > 0 && below(1000) < UInt64(perMille) }
}
