import ArgumentParser
import StrataArchiver
import StrataCoordinator
import StrataMEC
import StrataPublisher
import StrataReputation
import StrataService
import StrataSwarm

/// `strata publisher`: the task publisher service.
struct PublisherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publisher", abstract: "Run the task publisher service.",
                                                    discussion: ServiceOptions.discussion)
    @OptionGroup var service: ServiceOptions

    func run() async throws { try await service.launch(service.configuration(.publisher), blueprint: PublisherService.blueprint) }
}

/// `strata coordinator`: the shard coordinator service.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "coordinator", abstract: "Run the shard coordinator service.",
                                                    discussion: ServiceOptions.discussion)
    @OptionGroup var service: ServiceOptions

    func run() async throws { try await service.launch(service.configuration(.coordinator), blueprint: CoordinatorService.blueprint) }
}

/// `strata mec`: one MEC aggregator.
struct MECCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mec", abstract: "Run one MEC aggregator (--index picks its name and default port).",
                                                    discussion: ServiceOptions.discussion)
    @Option(help: "Which MEC this is: instance mec-INDEX, default port 7420+INDEX (env STRATA_MEC_INDEX).")
    var index: Int = environment("STRATA_MEC_INDEX").flatMap(Int.init) ?? 0
    @OptionGroup var service: ServiceOptions

    func validate() throws {
        guard (0...999).contains(index) else { throw ValidationError("--index must be 0...999") }
    }

    func run() async throws { try await service.launch(service.configuration(.mec, index: index), blueprint: MECService.blueprint) }
}

/// `strata swarm`: a device swarm.
struct SwarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "swarm", abstract: "Run a device swarm of --devices devices, each with its own key.",
                                                    discussion: ServiceOptions.discussion)
    @Option(help: "How many devices this swarm runs (env STRATA_DEVICES).")
    var devices: Int = environment("STRATA_DEVICES").flatMap(Int.init) ?? 10
    @OptionGroup var service: ServiceOptions

    func validate() throws {
        guard (1...100_000).contains(devices) else { throw ValidationError("--devices must be 1...100000") }
    }

    func run() async throws { try await service.launch(service.configuration(.swarm), blueprint: SwarmService.blueprint(devices: devices)) }
}

/// `strata reputation`: the reputation and incentive service.
struct ReputationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reputation", abstract: "Run the reputation and incentive service.",
                                                    discussion: ServiceOptions.discussion)
    @OptionGroup var service: ServiceOptions

    func run() async throws { try await service.launch(service.configuration(.reputation), blueprint: ReputationService.blueprint) }
}

/// `strata archiver`: the ledger archiver.
struct ArchiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "archiver", abstract: "Run the ledger archiver (archives every verified bus event).",
                                                    discussion: ServiceOptions.discussion)
    @OptionGroup var service: ServiceOptions

    func run() async throws { try await service.launch(service.configuration(.archiver), blueprint: ArchiverService.blueprint) }
}
