// swift-tools-version: 6.0
// pref: preference-data pipelines and CPU training. See README.md and ../shared/DESIGN.md.
import PackageDescription

let package = Package(
    name: "pref",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pref", targets: ["pref"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries from the system (apt: libzstd-dev ...).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Libraries.
        .target(name: "JSON"),
        .target(name: "Store", dependencies: ["JSON", "CZstd", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Ingest", dependencies: ["JSON", "Store", "CZstd", "CZlib"]),
        .target(name: "Train", dependencies: ["JSON", "COpenBLAS"]),

        // The command-line tool: parses and prints, nothing else.
        .executableTarget(name: "pref", dependencies: [
            "JSON", "Store", "Ingest", "Train",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests.
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "JSON"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "JSON"]),
    ]
)
