/// Reads a Parquet file and writes its rows again with the writer's options: the library
/// side of `pref cat FILE --write OUT.parquet`, and a whole-file check of the writer
/// against every shape the reader understands.
public enum ParquetRewrite {
    /// Writes the rows of `input` (all, or the first `limit`) to `output` with the same schema,
    /// or only the named top-level `columns`. The input's key-value metadata is kept;
    /// `options.keyValueMetadata` is added, replacing entries of the same key.
    @discardableResult
    public static func rewrite(input: String, output: String, columns: [String]? = nil, limit: Int? = nil,
                               options: ParquetWriterOptions = ParquetWriterOptions()) throws(ParquetError) -> ParquetWriteSummary {
        let file = try ParquetFile(path: input)
        var groups = try file.rowGroups(columns: columns)
        let schema = try ParquetWriterSchema(file.schema, columns: columns)
        var options = options
        let replaced = Set(options.keyValueMetadata.map(\.key))
        options.keyValueMetadata = file.keyValueMetadata.filter { !replaced.contains($0.key) } + options.keyValueMetadata
        let writer = try ParquetWriter(path: output, schema: schema, options: options)
        var remaining = limit ?? .max
        while remaining > 0, let rows = try groups.next() {
            try writer.write(rows: rows.count <= remaining ? rows : Array(rows.prefix(remaining)))
            remaining -= rows.count
        }
        return try writer.close()
    }
}
