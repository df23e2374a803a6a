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
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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

        // Libraries; each depends only on those above it.
        .target(name: "JSON"),
        .target(name: "Core", dependencies: ["CCrypto"]),
        .target(name: "Store", dependencies: ["Core", "JSON", "CZstd", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .target(name: "Parquet", dependencies: ["CSnappy", "CZlib", "CZstd", "CLZ4", "CBrotli"]),
        .target(name: "Ingest", dependencies: ["Core", "JSON", "Store", "Parquet", "CZstd", "CZlib"]),
        .target(name: "Pairs", dependencies: ["Core", "JSON", "Store"]),
        .target(name: "Jinja", dependencies: ["JSON"]),
        .target(name: "Tokenizer", dependencies: ["JSON", "Jinja"]),
        .target(name: "Tokenize", dependencies: ["Core", "JSON", "Jinja", "Store", "Tokenizer"]),
        .target(name: "Train", dependencies: ["Core", "JSON", "Store", "Tokenizer", "Tokenize", "COpenBLAS", .product(name: "Yams", package: "Yams")]),
        .target(name: "Export", dependencies: ["Core", "JSON", "Store", "Parquet"]),

        // The command-line tool: parses and prints, nothing else.
        .executableTarget(name: "pref", dependencies: [
            "Core", "JSON", "Jinja", "Store", "Ingest", "Parquet", "Pairs", "Tokenizer", "Tokenize", "Train", "Export",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests.
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Core", "JSON", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "Core", "JSON", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "CZlib", "CZstd", "CLZ4"]),
        .testTarget(name: "PairsTests", dependencies: ["Pairs", "Store", "Core", "JSON", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "PipelineTests", dependencies: ["Store", "Core", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "JSON"]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja", "JSON"]),
        .testTarget(name: "TokenizeTests", dependencies: ["Tokenize", "Tokenizer", "Jinja", "Ingest", "Pairs", "Store", "Core", "JSON", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Parquet", "Pairs", "Ingest", "Tokenize", "Tokenizer", "Jinja", "Store", "Core", "JSON", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Store", "Core", "JSON", "Tokenizer", "Tokenize", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
