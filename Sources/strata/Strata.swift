import ArgumentParser

/// The one Strata executable. Each subcommand lives in its own file and is listed here.
@main
struct Strata: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Two-layer blockchain for federated learning over the mobile edge network.",
        discussion: """
            Services talk signed JSON envelopes (proto-schemas/SPEC.md) over ZeroMQ. Start with
            `strata demo`, follow the event bus with `strata watch`, and see `strata <command> --help`.
            """,
        version: StrataVersion.current,
        subcommands: [
            UpCommand.self,
            HealthCommand.self,
            PublisherCommand.self,
            CoordinatorCommand.self,
            MECCommand.self,
            SwarmCommand.self,
            ReputationCommand.self,
            ArchiverCommand.self,
            BusCommand.self,
            WatchCommand.self,
            DemoCommand.self,
            LearnCommand.self,
            LedgerCommand.self,
            ReplicaCommand.self,
        ]
    )
}

enum StrataVersion {
    static let current = "0.1.0"
}
