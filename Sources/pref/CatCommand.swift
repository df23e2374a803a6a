import ArgumentParser
import Parquet
#if canImport(Glibc)
import Glibc
#endif

/// `pref cat FILE.parquet`: print rows as JSON lines (see `ParquetJSON` for the spelling).
struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a Parquet file's rows as JSON lines.",
        discussion: """
            Bytes that are not valid UTF-8 print as base64, NaN and infinities as the strings \
            "NaN", "Infinity", "-Infinity", decimals as fixed-point strings, dates and \
            timestamps as ISO 8601 strings, maps as arrays of [key, value] pairs.
            """)

    @OptionGroup var common: WorkspaceOptions

    @Argument(help: "The Parquet file to read.")
    var file: String

    @Option(help: "Comma-separated top-level columns to print (default: all).")
    var columns: String?

    @Option(help: "Print only the first N rows.")
    var head: Int?

    @Flag(help: "Print the schema, row groups and key-value metadata instead of rows.")
    var schema = false

    @Option(help: "Write the (projected, limited) rows to this Parquet file instead of printing them.")
    var write: String?

    @Option(help: "With --write: snappy, zstd or none.")
    var compression = "snappy"

    @Option(help: "With --write: data page version 1 or 2.")
    var pageVersion = 1

    func validate() throws {
        if let head, head < 0 { throw ValidationError("--head must be 0 or more") }
        if ParquetWriterOptions.codec(named: compression) == nil { throw ValidationError("--compression must be snappy, zstd or none") }
        if pageVersion != 1 && pageVersion != 2 { throw ValidationError("--page-version must be 1 or 2") }
    }

    func run() throws {
        do {
            let parquet = try ParquetFile(path: file)
            if schema {
                printSummary(parquet)
                return
            }
            let names = columns.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() } }
            if let write, let codec = ParquetWriterOptions.codec(named: compression) {
                let summary = try ParquetRewrite.rewrite(input: file, output: write, columns: names, limit: head,
                                                         options: ParquetWriterOptions(compression: codec, dataPageVersion: pageVersion == 2 ? .v2 : .v1))
                return print("wrote \(summary.rows) rows in \(summary.rowGroups) row groups, \(summary.bytes) bytes to \(write)")
            }
            try ParquetCat.write(parquet, columns: names, limit: head, to: StandardOutput())
        } catch {
            let message = Array("error: \(file): \(error)\n".utf8)
            _ = message.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            throw ExitCode.failure
        }
    }

    private func printSummary(_ parquet: ParquetFile) {
        print(parquet.schema)
        print("rows: \(parquet.numRows) in \(parquet.rowGroupCount) row groups; format version \(parquet.formatVersion); created by \(parquet.createdBy ?? "unknown")")
        print("codecs: " + Set(parquet.codecs.map(\.description)).sorted().joined(separator: ", "))
        for kv in parquet.keyValueMetadata {
            let value = kv.value ?? ""
            print("metadata \(kv.key): \(value.count > 200 ? String(value.prefix(200)) + "…" : value)")
        }
    }
}

/// Writes to file descriptor 1 in large blocks.
struct StandardOutput: ParquetOutputStream {
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(1, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParquetError("cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
