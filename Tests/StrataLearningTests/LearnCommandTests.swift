import Foundation
import StrataLearning
import Testing

@Suite("strata learn from the command line")
struct LearnCommandTests {
    @Test("strata learn prints a line per round, writes the CSV and reaches the FedAvg floor at round 10")
    func runsRounds() throws {
        let folder = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = "\(folder)/rounds.csv"
        let (status, output, error) = try StrataProcess.run([
            "learn", "--dataset", "mnist5k", "--model", "logreg", "--clients", "30", "--rounds", "10",
            "--rule", "fedavg", "--partition", "iid", "--seed", "0", "--data-dir", TestData.directory, "--csv", csv,
        ])
        #expect(status == 0, "stderr: \(error)")
        let rounds = output.split(separator: "\n").filter { $0.hasPrefix("round") }
        #expect(rounds.count == 10)
        #expect(rounds.last?.hasPrefix("round  10  accuracy ") == true)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "round,accuracy,loss,training_loss,seconds")
        #expect(rows.count == 11)
        let accuracy = rows.last.flatMap { Double($0.split(separator: ",")[1]) } ?? 0
        #expect(accuracy >= 0.80)
    }

    @Test("Bad flags end with a message naming the flag and a non-zero exit",
          arguments: [
              (["--dataset", "cifar"], "--dataset \"cifar\" is not one of mnist5k, fmnist"),
              (["--rule", "mean"], "rule \"mean\" is not one of fedavg"),
              (["--attack", "labelflip:2"], "attacker fraction must be in 0…1"),
              (["--partition", "dirichlet:0"], "partition \"dirichlet:0\" is not one of"),
              (["--rule", "krum", "--clients", "4", "--attack", "labelflip:0.5"], "Krum needs n > 2f + 2"),
              (["--data-dir", "/nonexistent-strata"], "run `make data`"),
          ])
    func badFlags(arguments: [String], message: String) throws {
        let (status, _, error) = try StrataProcess.run(["learn", "--rounds", "1"] + arguments)
        #expect(status != 0)
        #expect(error.contains(message), "stderr: \(error)")
    }
}
