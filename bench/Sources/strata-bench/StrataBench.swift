import ArgumentParser
import Foundation

/// `strata-bench`: every benchmark of `make bench`, each a suite in its own file, listed here.
/// Each suite measures Strata against the reference its issue names, in the same run, as a ratio.
@main
struct StrataBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata-bench",
        abstract: "Run Strata's benchmarks; print a table and write one CSV per suite."
    )

    @Option(help: "Folder for the CSV files.")
    var out: String = "bench/results"

    @Option(help: "Run only the suites whose name starts with this (e.g. transport).")
    var only: String?

    @Flag(help: "Shorter runs (for a smoke check, not for numbers).")
    var quick = false

    static let suites: [any BenchSuite.Type] = [
        TransportBench.self,
        TrainerBench.self,
        ConsensusBench.self,
        AblationBench.self,
    ]

    func run() async throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // A suite that needs a special build (onRequestOnly) runs only when --only names it.
        for suite in Self.suites where only.map({ suite.name.hasPrefix($0) }) ?? !suite.onRequestOnly {
            print("== \(suite.name): \(suite.summary)")
            let table = try await suite.run(quick: quick)
            print(table.render())
            let path = "\(out)/\(suite.name).csv"
            try table.csv().write(toFile: path, atomically: true, encoding: .utf8)
            print("   wrote \(path)\n")
        }
    }
}

/// One benchmark suite: a name, a line saying what it compares, and a run that returns a table.
protocol BenchSuite: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static func run(quick: Bool) async throws -> BenchTable
    /// True for a suite that `make bench` skips (it runs only when `--only` names it).
    static var onRequestOnly: Bool { get }
}

extension BenchSuite {
    static var onRequestOnly: Bool { false }
}

/// Rows of named columns, printed aligned and written as CSV.
struct BenchTable {
    var columns: [String]
    var rows: [[String]] = []
    var notes: [String] = []

    init(columns: [String]) { self.columns = columns }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render() -> String {
        let widths = columns.indices.map { index in
            ([columns[index]] + rows.map { index < $0.count ? $0[index] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            "   " + cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(columns)] + rows.map(line) + notes.map { "   \($0)" }).joined(separator: "\n")
    }

    func csv() -> String {
        ([columns] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

/// Formats a rate or a duration for the table.
enum Format {
    static func rate(_ perSecond: Double) -> String { String(format: "%.0f", perSecond) }
    static func ratio(_ value: Double) -> String { String(format: "%.2f", value) }
    static func millis(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1000) }
}
