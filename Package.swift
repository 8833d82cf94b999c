// swift-tools-version: 6.1
import PackageDescription

/// Every Strata target builds in Swift 6 language mode (strict concurrency is on by default there).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
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
        // System libraries from Debian: libzmq3-dev, libssl-dev, libopenblas-dev. Nothing else is C.
        // libzmq.pc adds -isystem flags SwiftPM refuses; zmq.h sits in /usr/include, so no pkg-config.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        .target(name: "StrataCrypto", dependencies: ["COpenSSL"], swiftSettings: strictSettings),
        .target(name: "StrataProtocol", dependencies: ["StrataCrypto"], swiftSettings: strictSettings),
        .target(name: "StrataTransport", dependencies: ["CZeroMQ"], swiftSettings: strictSettings),
        .target(name: "StrataLearning", dependencies: ["CBLAS"], swiftSettings: strictSettings),
        .target(name: "StrataConsensus", dependencies: [], swiftSettings: strictSettings),
        .target(
            name: "StrataLedger",
            dependencies: ["StrataCrypto", "StrataProtocol", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "StrataBus",
            dependencies: [
                "StrataProtocol", "StrataTransport", "StrataCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataBus", "StrataProtocol", "StrataTransport", "StrataCrypto", "StrataLearning",
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
                "StrataProtocol", "StrataTransport", "StrataCrypto", "StrataLearning",
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
        .testTarget(name: "StrataBusTests", dependencies: ["StrataBus", "StrataProtocol", "StrataTransport"]),
        .testTarget(name: "StrataLearningTests", dependencies: ["StrataLearning"]),
        .testTarget(name: "StrataConsensusTests", dependencies: ["StrataConsensus"]),
        .testTarget(
            name: "StrataLedgerTests",
            dependencies: ["StrataLedger", "StrataCrypto", "StrataProtocol", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Integration tests: run the built `strata` binary as real processes on loopback.
        .testTarget(name: "StrataCLITests", dependencies: ["StrataProtocol", "StrataTransport", "StrataCrypto"]),
    ],
    swiftLanguageModes: [.v6]
)
