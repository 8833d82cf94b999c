/// Rejects parameter vectors holding NaN or infinities (SPEC.md §9.6: consumers must check).
enum FiniteCheck {
    static func require(_ values: [Float], what: String) throws {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw LearningError(.nonFinite, "\(what) has a non-finite value \(values[index]) at index \(index)")
        }
    }
}
