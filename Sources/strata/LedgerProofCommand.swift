import ArgumentParser
import Foundation
import StrataCrypto
import StrataLedger

/// `strata ledger proof TX-ID`: a Merkle inclusion proof of a stored transaction, as JSON.
struct LedgerProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print a Merkle inclusion proof (JSON) of the transaction with this hash.",
        discussion: "Check it with `strata ledger check-proof FILE` or the Python snippet in docs/ledger.md."
    )

    @Argument(help: ArgumentHelp("The transaction hash: 64 lowercase hex digits.", valueName: "tx-id"))
    var transaction: String

    @OptionGroup var location: LedgerLocation

    func run() throws {
        guard Hex.isLowercase(transaction, byteCount: 32) else {
            throw ValidationError("a transaction id is 64 lowercase hex digits, got \"\(transaction.prefix(80))\"")
        }
        let digest = try Digest(hex: transaction)
        for file in try location.files() {
            let store: LedgerStore
            do {
                guard let opened = try LedgerStore.open(readOnly: file), try !opened.locate(transaction: digest).isEmpty else { continue }
                store = opened
            } catch {
                printError("ledger proof: skipping \(file): \(error)")
                continue
            }
            let proof = try store.inclusionProof(transaction: digest)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(proof), as: UTF8.self))
            return
        }
        printError("ledger proof: no transaction \(transaction) in \(location.db ?? "the data folder")")
        throw ExitCode(1)
    }
}

/// `strata ledger check-proof`: verifies a proof written by `strata ledger proof`.
struct LedgerCheckProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-proof",
        abstract: "Verify an inclusion proof from a file or standard input; exit 0 if it holds, 1 if not."
    )

    @Argument(help: ArgumentHelp("The proof file; - or nothing reads standard input.", valueName: "file"))
    var file: String?

    func run() throws {
        let bytes = try LedgerFiles.read(file, limit: 4 * 1024 * 1024)
        let proof: TransactionInclusionProof
        do {
            proof = try JSONDecoder().decode(TransactionInclusionProof.self, from: Data(bytes))
        } catch {
            printError("check-proof: FAILED: malformed: \(file ?? "stdin") is not a strata.tx-proof/1 document (\(error))")
            throw ExitCode(1)
        }
        do {
            let signatures = try proof.verify()
            print("check-proof: OK: transaction \(proof.transaction.hex) is leaf \(proof.leafIndex) of \(proof.treeSize) in block \(proof.height) "
                + "(\(proof.blockHash.hex.prefix(16))) of chain \(proof.chain); \(signatures) valid commit signatures")
        } catch {
            printError("check-proof: FAILED: \(error)")
            throw ExitCode(1)
        }
    }
}
