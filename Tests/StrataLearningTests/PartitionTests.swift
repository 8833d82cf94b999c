import StrataLearning
import Testing

@Suite("Partitions of the training set among devices")
struct PartitionTests {
    /// 1,000 labels, 100 per class, in class order.
    let labels = (0..<1_000).map { UInt8($0 / 100) }

    func classesHeld(_ partition: Partition) -> [Int] {
        partition.shards.map { Set($0.map { labels[$0] }).count }
    }

    @Test("Every scheme gives each row to exactly one device and every device at least one row",
          arguments: [PartitionScheme.iid, .dirichlet(alpha: 0.1), .dirichlet(alpha: 5), .classesPerDevice(2), .unequalSizes(sigma: 1)])
    func coversRowsOnce(scheme: PartitionScheme) throws {
        let partition = try Partition(scheme, labels: labels, classCount: 10, devices: 30, seed: 4)
        #expect(partition.shards.count == 30)
        #expect(partition.shards.allSatisfy { !$0.isEmpty })
        #expect(partition.shards.flatMap { $0 }.sorted() == Array(0..<1_000))
    }

    @Test("The same seed gives the same partition; another seed gives another")
    func seeded() throws {
        let a = try Partition(.dirichlet(alpha: 0.5), labels: labels, classCount: 10, devices: 10, seed: 1)
        let b = try Partition(.dirichlet(alpha: 0.5), labels: labels, classCount: 10, devices: 10, seed: 1)
        let c = try Partition(.dirichlet(alpha: 0.5), labels: labels, classCount: 10, devices: 10, seed: 2)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("IID sizes differ by at most one and every device sees most classes")
    func iid() throws {
        let partition = try Partition(.iid, labels: labels, classCount: 10, devices: 30, seed: 0)
        let sizes = partition.shards.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(classesHeld(partition).allSatisfy { $0 >= 7 })
    }

    @Test("Dirichlet α = 0.1 skews labels far more than α = 100")
    func dirichletSkew() throws {
        /// Mean over devices of the share of its rows in its most frequent class.
        func dominantShare(_ alpha: Double) throws -> Double {
            let partition = try Partition(.dirichlet(alpha: alpha), labels: labels, classCount: 10, devices: 10, seed: 3)
            let shares = partition.shards.map { rows in
                var counts = [Int](repeating: 0, count: 10)
                for row in rows { counts[Int(labels[row])] += 1 }
                return Double(counts.max()!) / Double(rows.count)
            }
            return shares.reduce(0, +) / Double(shares.count)
        }
        let skewed = try dominantShare(0.1)
        let even = try dominantShare(100)
        #expect(skewed > 0.6, "α = 0.1: dominant class share \(skewed)")
        #expect(even < 0.25, "α = 100: dominant class share \(even)")
    }

    @Test("k classes per device gives each device exactly k classes")
    func classesPerDevice() throws {
        let partition = try Partition(.classesPerDevice(2), labels: labels, classCount: 10, devices: 20, seed: 9)
        #expect(classesHeld(partition) == Array(repeating: 2, count: 20))
    }

    @Test("Unequal sizes vary across devices")
    func unequal() throws {
        let sizes = try Partition(.unequalSizes(sigma: 1), labels: labels, classCount: 10, devices: 10, seed: 5).shards.map(\.count)
        #expect(sizes.max()! > 2 * sizes.min()!)
    }

    @Test("Bad schemes and counts are refused with a message")
    func invalid() throws {
        #expect(throws: LearningError.self) { try Partition(.iid, labels: labels, classCount: 10, devices: 0, seed: 0) }
        #expect(throws: LearningError.self) { try Partition(.iid, labels: [1, 2], classCount: 10, devices: 3, seed: 0) }
        #expect(throws: LearningError.self) { try Partition(.classesPerDevice(11), labels: labels, classCount: 10, devices: 3, seed: 0) }
        let error = #expect(throws: LearningError.self) { try PartitionScheme(parsing: "dirichlet:-1") }
        #expect(error?.message.contains("dirichlet:<α > 0>") == true)
        #expect(try PartitionScheme(parsing: "dirichlet:0.5") == .dirichlet(alpha: 0.5))
        #expect(try PartitionScheme(parsing: "classes:2") == .classesPerDevice(2))
    }
}
