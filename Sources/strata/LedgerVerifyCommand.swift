import ArgumentParser
import StrataLedger
import StrataProtocol

/// `strata ledger verify`: end-to-end audit of every chain in the files it finds.
struct LedgerVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every stored chain end to end; exit 1 naming the first bad block and why.",
        discussion: """
            Replays each chain from genesis: hash links, Merkle roots, quorum certificates against the
            member set in force at each height, proposer rights, transaction signatures, every stored
            column against its bytes, and every blob against its SHA-256. Opens files read-only.
            """
    )

    @OptionGroup var location: LedgerLocation

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let reports = try location.files().map(LedgerAudit.verify(file:))
        let audited = reports.filter(\.hasLedger)
        let references = LedgerAudit.checkReferences(audited)
        if json {
            print(String(decoding: CanonicalJSON.encode(LedgerReportJSON.document(reports, references: references)), as: UTF8.self))
        } else {
            for report in reports { print(LedgerReportText.lines(report).joined(separator: "\n")) }
            for line in LedgerReportText.lines(references) { print(line) }
        }
        let problems = audited.flatMap(\.problems) + references.problems
        let chains = audited.map(\.chains.count).reduce(0, +)
        if let first = problems.first {
            if !json { printError("ledger verify: FAILED: \(problems.count) problem(s); first: \(first)") }
            throw ExitCode(1)
        }
        guard chains > 0 else {
            if !json { printError("ledger verify: FAILED: no ledger chains in \(reports.count) file(s)") }
            throw ExitCode(1)
        }
        if !json { print("ledger verify: OK: \(chains) chain(s) in \(audited.count) file(s)") }
    }
}

/// The human form of an audit report.
enum LedgerReportText {
    static func lines(_ report: LedgerAuditReport) -> [String] {
        guard report.hasLedger else { return ["\(report.file): no ledger tables, skipped"] }
        var lines = ["\(report.file):"]
        for chain in report.chains {
            let head = chain.state.map { "head \($0.height) \($0.headHash.hex.prefix(16))" } ?? "no verified head"
            if let problem = chain.problem {
                lines.append("  FAIL \(chain.chain): \(chain.verifiedBlocks) block(s) verified, then \(problem)")
            } else {
                lines.append("  ok   \(chain.chain): \(chain.verifiedBlocks) blocks, \(chain.transactions) transactions, \(head)")
            }
        }
        if report.chains.isEmpty && report.blobs == 0 && !report.problems.isEmpty {
            // The file could not be read at all.
            return lines + report.problems.map { "  FAIL \($0)" }
        }
        lines.append("  \(report.blobProblems.isEmpty ? "ok  " : "FAIL") blobs: \(report.blobs) checked")
        for problem in report.blobProblems { lines.append("  FAIL \(problem)") }
        return lines
    }
}

extension LedgerReportText {
    static func lines(_ result: CrossChainAuditResult) -> [String] {
        guard result.checked + result.unresolved > 0 else { return [] }
        var lines = ["cross-chain references: \(result.checked) checked against the referenced chain's members, "
            + "\(result.unresolved) to chains not held here (proof and signatures only)"]
        for problem in result.problems { lines.append("  FAIL \(problem)") }
        return lines
    }
}

/// The JSON form of audit reports (`--json`).
enum LedgerReportJSON {
    static func document(_ reports: [LedgerAuditReport], references: CrossChainAuditResult) -> JSONValue {
        let problems = reports.filter(\.hasLedger).flatMap(\.problems) + references.problems
        let chains = reports.filter(\.hasLedger).map(\.chains.count).reduce(0, +)
        return .object([
            "ok": .bool(problems.isEmpty && chains > 0),
            "files": .array(reports.map(file)),
            "crossChainReferences": .object([
                "checked": .integer(Int64(references.checked)), "unresolved": .integer(Int64(references.unresolved)),
                "problems": .array(references.problems.map(problem)),
            ]),
            "firstProblem": problems.first.map(problem) ?? .null,
        ])
    }

    static func file(_ report: LedgerAuditReport) -> JSONValue {
        .object([
            "file": .string(report.file),
            "ledger": .bool(report.hasLedger),
            "blobs": .integer(Int64(report.blobs)),
            "chains": .array(report.chains.map { chain in
                .object([
                    "chain": .string(chain.chain),
                    "verifiedBlocks": .integer(Int64(chain.verifiedBlocks)),
                    "transactions": .integer(Int64(chain.transactions)),
                    "head": chain.state.map { .object(["height": .integer($0.height), "hash": .string($0.headHash.hex)]) } ?? .null,
                    "problem": chain.problem.map(problem) ?? .null,
                ])
            }),
            "problems": .array(report.problems.map(problem)),
        ])
    }

    static func problem(_ error: LedgerError) -> JSONValue {
        .object([
            "code": .string(error.code.rawValue),
            "chain": error.chain.map(JSONValue.string) ?? .null,
            "height": error.height.map(JSONValue.integer) ?? .null,
            "message": .string(error.message),
            "text": .string(error.description),
        ])
    }
}
