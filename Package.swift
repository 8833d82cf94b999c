// swift-tools-version: 6.1
import PackageDescription

/// Every Strata target builds in Swift 6 language mode (strict concurrency is on by default there).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// What every service target builds on.
let serviceShell: [Target.Dependency] = [
    "StrataService", "StrataProtocol", "StrataTransport", "StrataCrypto",
    .product(name: "GRDB", package: "GRDB.swift"),
    .product(name: "Logging", package: "swift-log"),
]

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
        .library(name: "StrataCrypto", targets: ["StrataCrypto"]),
        .library(name: "StrataProtocol", targets: ["StrataProtocol"]),
        .library(name: "StrataTransport", targets: ["StrataTransport"]),
        .library(name: "StrataLearning", targets: ["StrataLearning"]),
        .library(name: "StrataConsensus", targets: ["StrataConsensus"]),
        .library(name: "StrataLedger", targets: ["StrataLedger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // System libraries from Debian: libzmq3-dev, libssl-dev, libopenblas-dev, zlib1g-dev.
        // libzmq.pc adds -isystem flags SwiftPM refuses; zmq.h sits in /usr/include, so no pkg-config.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "StrataCrypto", dependencies: ["COpenSSL"], swiftSettings: strictSettings),
        .target(name: "StrataProtocol", dependencies: ["StrataCrypto"], swiftSettings: strictSettings),
        .target(name: "StrataTransport", dependencies: ["CZeroMQ"], swiftSettings: strictSettings),
        // Strata's only C: the AVX-512 training kernels, chosen at run time (per-function target
        // attributes, so the binary runs on any x86-64). -O2 in debug builds too: unoptimised
        // intrinsics are ~25x slower than OpenBLAS and would slow every test that trains.
        .target(name: "CStrataKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "StrataLearning", dependencies: ["CBLAS", "CStrataKernels", "CZlib"], swiftSettings: strictSettings),
        .target(name: "StrataConsensus", dependencies: [], swiftSettings: strictSettings),
        .target(
            name: "StrataLedger",
            dependencies: ["StrataCrypto", "StrataProtocol", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "StrataService",
            dependencies: [
                "StrataProtocol", "StrataTransport", "StrataCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "StrataBus",
            dependencies: [
                "StrataService", "StrataProtocol", "StrataTransport", "StrataCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The six services: each a blueprint over StrataService (lifecycle, identity, state, health).
        .target(name: "StrataPublisher", dependencies: serviceShell, swiftSettings: strictSettings),
        .target(name: "StrataCoordinator", dependencies: serviceShell, swiftSettings: strictSettings),
        .target(name: "StrataMEC", dependencies: serviceShell, swiftSettings: strictSettings),
        .target(name: "StrataSwarm", dependencies: serviceShell, swiftSettings: strictSettings),
        .target(name: "StrataReputation", dependencies: serviceShell, swiftSettings: strictSettings),
        .target(name: "StrataArchiver", dependencies: serviceShell, swiftSettings: strictSettings),
        .target(
            name: "StrataConsensusNode",
            dependencies: ["StrataConsensus"] + serviceShell + [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataBus", "StrataService", "StrataPublisher", "StrataCoordinator", "StrataMEC", "StrataSwarm",
                "StrataReputation", "StrataArchiver", "StrataConsensusNode", "StrataProtocol", "StrataTransport", "StrataCrypto", "StrataLearning",
                "StrataConsensus", "StrataLedger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "strata-bench",
            dependencies: [
                "StrataProtocol", "StrataTransport", "StrataCrypto", "StrataLearning", "StrataConsensusNode",
                "StrataConsensus", "StrataLedger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "bench/Sources/strata-bench",
            swiftSettings: strictSettings
        ),

        .testTarget(name: "StrataCryptoTests", dependencies: ["StrataCrypto"]),
        .testTarget(name: "StrataProtocolTests", dependencies: ["StrataProtocol", "StrataCrypto"]),
        .testTarget(name: "StrataTransportTests", dependencies: ["StrataTransport"]),
        .testTarget(
            name: "StrataServiceTests",
            dependencies: [
                "StrataService", "StrataProtocol", "StrataTransport", "StrataCrypto", "StrataSwarm", "StrataArchiver",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "StrataBusTests",
            dependencies: [
                "StrataBus", "StrataService", "StrataPublisher", "StrataCoordinator", "StrataMEC", "StrataSwarm",
                "StrataReputation", "StrataArchiver", "StrataConsensusNode", "StrataProtocol", "StrataTransport", "StrataCrypto",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "StrataLearningTests", dependencies: ["StrataLearning"]),
        .testTarget(name: "StrataConsensusTests", dependencies: ["StrataConsensus"]),
        .testTarget(
            name: "StrataConsensusNodeTests",
            dependencies: [
                "StrataConsensusNode", "StrataConsensus", "StrataService", "StrataProtocol", "StrataTransport", "StrataCrypto",
                .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "StrataLedgerTests",
            dependencies: ["StrataLedger", "StrataCrypto", "StrataProtocol", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Integration tests: run the built `strata` binary as real processes on loopback.
        .testTarget(name: "StrataCLITests", dependencies: ["StrataProtocol", "StrataTransport", "StrataCrypto", "StrataConsensus"]),
    ],
    swiftLanguageModes: [.v6]
)
