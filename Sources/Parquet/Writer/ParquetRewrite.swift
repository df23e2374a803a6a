/// Reads a Parquet file and writes its rows again with the writer's options: the library
/// side of `pref cat FILE --write OUT.parquet`, and a whole-file check of the writer
/// against every shape the reader understands.
public enum ParquetRewrite {
    /// Writes every row of `input` to `output` with the same schema, or only the named
    /// top-level `columns`. The input's key-value metadata is kept; `options.keyValueMetadata`
    /// is added, replacing entries of the same key.
    @discardableResult
    public static func rewrite(input: String, output: String, columns: [String]? = nil,
                               options: ParquetWriterOptions = ParquetWriterOptions()) throws(ParquetError) -> ParquetWriteSummary {
        let file = try ParquetFile(path: input)
        var groups = try file.rowGroups(columns: columns)
        let schema = try ParquetWriterSchema(file.schema, columns: columns)
        var options = options
        let replaced = Set(options.keyValueMetadata.map(\.key))
        options.keyValueMetadata = file.keyValueMetadata.filter { !replaced.contains($0.key) } + options.keyValueMetadata
        let writer = try ParquetWriter(path: output, schema: schema, options: options)
        while let rows = try groups.next() { try writer.write(rows: rows) }
        return try writer.close()
    }
}
