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
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Libraries.
        .target(name: "JSON"),
        .target(name: "Store", dependencies: ["JSON", "CZstd", "CCrypto", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .target(name: "Ingest", dependencies: ["JSON", "Store", "Parquet", "CZstd", "CZlib"]),
        .target(name: "Parquet", dependencies: ["CSnappy", "CZlib", "CZstd", "CLZ4", "CBrotli"]),
        .target(name: "Tokenizer", dependencies: ["JSON", "Store", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Train", dependencies: ["JSON", "Store", "Tokenizer", "COpenBLAS", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Jinja", dependencies: ["JSON"]),
        .target(name: "Pairs", dependencies: ["JSON", "Store", .product(name: "GRDB", package: "GRDB.swift")]),

        // The command-line tool: parses and prints, nothing else.
        .executableTarget(name: "pref", dependencies: [
            "JSON", "Store", "Ingest", "Parquet", "Pairs", "Tokenizer", "Train",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests.
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "JSON"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "CZlib", "CZstd", "CLZ4"]),
        .testTarget(name: "PairsTests", dependencies: ["Pairs", "Store", "JSON", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "PipelineTests", dependencies: ["Store", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "Store", "JSON"]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja", "JSON"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Store", "JSON", "Tokenizer", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
