import ArgumentParser

/// `strata ledger`: audit stored chains and prove transactions to outsiders (docs/ledger.md).
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Audit stored chains and make or check Merkle inclusion proofs.",
        discussion: """
            Chains live in the SQLite files of the services that own them (an MEC holds its LMUC and
            the shard chains it is in). See docs/ledger.md for formats and the exact signed bytes.
            """,
        subcommands: [LedgerVerifyCommand.self, LedgerProofCommand.self, LedgerCheckProofCommand.self, LedgerTestChainCommand.self]
    )
}

/// Where ledgers are: one file, or every `*.sqlite` under a data folder.
struct LedgerLocation: ParsableArguments {
    @Option(help: ArgumentHelp("Look at every *.sqlite file under this folder, recursively (env STRATA_DATA_DIR; default strata-data).",
                               valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Look at this one SQLite file.", valueName: "file"))
    var db: String?

    func validate() throws {
        if dataDir != nil && db != nil { throw ValidationError("give --data-dir or --db, not both") }
    }

    /// The files to look at, sorted; throws a clear error if there are none.
    func files() throws -> [String] {
        if let db {
            guard LedgerFiles.isRegularFile(db) else { throw ValidationError("--db \(db): no such file") }
            return [db]
        }
        let folder = dataDir ?? environment("STRATA_DATA_DIR") ?? "strata-data"
        guard LedgerFiles.isDirectory(folder) else { throw ValidationError("--data-dir \(folder): no such folder") }
        let found = LedgerFiles.sqliteFiles(under: folder)
        guard !found.isEmpty else { throw ValidationError("no *.sqlite files under \(folder)") }
        return found
    }
}
