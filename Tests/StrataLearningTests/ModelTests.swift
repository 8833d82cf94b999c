import StrataLearning
import Testing

@Suite("Models and their parameter layout")
struct ModelTests {
    @Test("Layout names and parameter counts match SPEC.md §9.6")
    func layouts() {
        #expect(ModelKind.logreg784.layout == "logreg-784-10")
        #expect(ModelKind.logreg784.parameterCount == 7_850)
        #expect(ModelKind.mlp784.layout == "mlp-784-128-10")
        #expect(ModelKind.mlp784.parameterCount == 101_770)
        #expect(ModelKind(layout: "mlp-784-128-10") == .mlp784)
        #expect(ModelKind(layout: "logreg-784-10") == .logreg784)
        #expect(ModelKind(layout: "test-10") == nil)
        #expect(ModelKind(layout: "mlp-784-x-10") == nil)
    }

    @Test("Parameters travel as little-endian Float32 and come back unchanged")
    func wireBytes() throws {
        var model = Model.initialized(.logreg784, seed: 1)
        model.parameters[0] = 1
        model.parameters[1] = -2.5e6
        let bytes = model.littleEndianBytes
        #expect(bytes.count == 7_850 * 4)
        #expect(Array(bytes[0..<8]) == [0x00, 0x00, 0x80, 0x3f, 0x80, 0x96, 0x18, 0xca])
        #expect(try Model(kind: .logreg784, littleEndianBytes: bytes) == model)
        let error = #expect(throws: LearningError.self) { try Model(kind: .logreg784, littleEndianBytes: Array(bytes.dropLast())) }
        #expect(error?.message == "logreg-784-10 needs 31400 bytes, got 31399")
    }

    @Test("Initialisation is seeded and bounded by 1/√fan_in per layer")
    func initialisation() {
        let a = Model.initialized(.mlp784, seed: 3)
        #expect(a == Model.initialized(.mlp784, seed: 3))
        #expect(a != Model.initialized(.mlp784, seed: 4))
        let firstLayer = a.parameters[0 ..< 784 * 128 + 128]
        #expect(firstLayer.allSatisfy { abs($0) <= 1 / Float(784).squareRoot() })
        #expect(a.parameters[784 * 128 + 128 ..< 101_770].contains { abs($0) > 0.05 })
    }
}
