/// Encodes one leaf column of one row group into its pages: an optional PLAIN dictionary
/// page, then data pages (v1 or v2) of RLE levels and RLE_DICTIONARY or PLAIN values, each
/// compressed with the chosen codec. Pages end on row boundaries and hold about
/// `dataPageSize` bytes of values. Dictionary encoding stops for the rest of the chunk once
/// the dictionary outgrows `dictionaryPageSizeLimit` (the pages before keep it), as Arrow does.
struct ColumnChunkWriter {
    let options: ParquetWriterOptions
    let order: ColumnStatistics.Order?
    private let usesDictionary: Bool

    init(leaf: SchemaNode, options: ParquetWriterOptions) {
        self.options = options
        let physical = leaf.element.physicalType ?? .int32
        order = ColumnStatistics.Order(ValueConverter.kind(for: leaf.element, physical: physical), physical: physical)
        usesDictionary = options.useDictionary && physical != .boolean
    }

    func encode(_ buffer: LeafBuffer) throws -> EncodedColumnChunk {
        var dictionary = usesDictionary
            ? DictionaryBuilder(physicalType: buffer.values.physicalType, typeLength: buffer.values.width) : nil
        var dictionaryPages = 0
        var dictionaryOpen = dictionary != nil
        var dataPages: [UInt8] = []
        var uncompressed = 0
        var plainPages = 0
        for span in pageSpans(buffer) {
            if dictionaryOpen {
                if let indices = Self.dictionaryIndices(buffer.values, span.values, into: &dictionary!, limit: options.dictionaryPageSizeLimit) {
                    let count = dictionary!.count
                    uncompressed += try appendPage(span, buffer: buffer, encoding: .rleDictionary, to: &dataPages) {
                        Self.appendIndices(indices, dictionaryCount: count, to: &$0)
                    }
                    dictionaryPages += 1
                    continue
                }
                // Too big: the dictionary serves only the pages before this one.
                dictionaryOpen = false
                if dictionaryPages == 0 { dictionary = nil }
            }
            uncompressed += try appendPage(span, buffer: buffer, encoding: .plain, to: &dataPages) {
                Self.appendPlain(buffer.values, span.values, to: &$0)
            }
            plainPages += 1
        }
        var dictionaryPage: [UInt8] = []
        if let dictionary, dictionaryPages > 0 {
            var body: [UInt8] = []
            Self.appendPlain(dictionary.values, 0..<dictionary.count, to: &body)
            try Self.checkPageSize(body.count)
            let compressed = try Compressor.compress(body, codec: options.compression, level: options.compressionLevel)
            dictionaryPage = PageHeaderEncoding.dictionaryPage(count: dictionary.count, uncompressedSize: body.count,
                                                               compressedSize: compressed.count)
            uncompressed += dictionaryPage.count + body.count
            dictionaryPage += compressed
        }
        var encodings: [Encoding] = []
        if plainPages > 0 || !dictionaryPage.isEmpty { encodings.append(.plain) }
        if buffer.maxDefinitionLevel > 0 || buffer.maxRepetitionLevel > 0 { encodings.append(.rle) }
        if dictionaryPages > 0 { encodings.append(.rleDictionary) }
        return EncodedColumnChunk(dictionaryPage: dictionaryPage, dataPages: dataPages, numValues: Int64(buffer.entryCount),
                                  uncompressedSize: Int64(uncompressed), encodings: encodings,
                                  statistics: ColumnStatistics(buffer.values, nullCount: buffer.nullCount, order: order,
                                                               maxSize: options.maxStatisticsSize))
    }

    // MARK: - Pages

    struct PageSpan {
        var entries: Range<Int>
        var values: Range<Int>
        var rows: Int
    }

    /// Splits the chunk into pages of about `dataPageSize` PLAIN value bytes, each starting
    /// at a row (repetition level 0), as data page v2 requires.
    func pageSpans(_ buffer: LeafBuffer) -> [PageSpan] {
        var spans: [PageSpan] = []
        var entryStart = 0, valueStart = 0, value = 0, rows = 0, size = 0
        let maxDefinition = buffer.maxDefinitionLevel, hasRepetition = buffer.maxRepetitionLevel > 0
        let values = buffer.values
        for entry in 0..<buffer.entryCount {
            if !hasRepetition || buffer.repetitionLevels[entry] == 0 {
                if size >= options.dataPageSize && entry > entryStart {
                    spans.append(PageSpan(entries: entryStart..<entry, values: valueStart..<value, rows: rows))
                    entryStart = entry
                    valueStart = value
                    rows = 0
                    size = 0
                }
                rows += 1
            }
            if maxDefinition == 0 || buffer.definitionLevels[entry] == maxDefinition {
                size += values.isVariableWidth ? 4 + values.offsets[value + 1] - values.offsets[value] : values.width
                value += 1
            }
        }
        if buffer.entryCount > entryStart {
            spans.append(PageSpan(entries: entryStart..<buffer.entryCount, values: valueStart..<value, rows: rows))
        }
        return spans
    }

    /// Appends one data page (header and body) whose values `appendValues` encodes, and
    /// returns its uncompressed size.
    private func appendPage(_ span: PageSpan, buffer: LeafBuffer, encoding: Encoding, to out: inout [UInt8],
                            values appendValues: (inout [UInt8]) -> Void) throws -> Int {
        var repetition: [UInt8] = [], definition: [UInt8] = []
        if buffer.maxRepetitionLevel > 0 {
            buffer.repetitionLevels.withUnsafeBufferPointer { levels in
                RLEHybridEncoder.encode(UnsafeBufferPointer(rebasing: levels[span.entries]),
                                        bitWidth: Int(buffer.maxRepetitionLevel).bitWidthNeeded, into: &repetition)
            }
        }
        if buffer.maxDefinitionLevel > 0 {
            buffer.definitionLevels.withUnsafeBufferPointer { levels in
                RLEHybridEncoder.encode(UnsafeBufferPointer(rebasing: levels[span.entries]),
                                        bitWidth: Int(buffer.maxDefinitionLevel).bitWidthNeeded, into: &definition)
            }
        }
        let codec = options.compression, level = options.compressionLevel
        let header: [UInt8], body: [UInt8], uncompressedSize: Int
        switch options.dataPageVersion {
        case .v1:
            var page: [UInt8] = []
            for levels in [repetition, definition] where !levels.isEmpty {
                withUnsafeBytes(of: UInt32(levels.count).littleEndian) { page.append(contentsOf: $0) }
                page += levels
            }
            appendValues(&page)
            uncompressedSize = page.count
            body = codec == .uncompressed ? page : try Compressor.compress(page, codec: codec, level: level)
            try Self.checkPageSize(uncompressedSize)
            header = PageHeaderEncoding.dataPageV1(count: span.entries.count, encoding: encoding,
                                                   uncompressedSize: uncompressedSize, compressedSize: body.count)
        case .v2:
            var values: [UInt8] = []
            appendValues(&values)
            let packed = codec == .uncompressed ? values : try Compressor.compress(values, codec: codec, level: level)
            body = repetition + definition + packed
            uncompressedSize = repetition.count + definition.count + values.count
            try Self.checkPageSize(uncompressedSize)
            let counts = PageHeaderEncoding.V2Counts(values: span.entries.count, nulls: span.entries.count - span.values.count,
                                                     rows: span.rows, definitionLevelsLength: definition.count,
                                                     repetitionLevelsLength: repetition.count)
            header = PageHeaderEncoding.dataPageV2(counts, encoding: encoding, isCompressed: codec != .uncompressed,
                                                   uncompressedSize: uncompressedSize, compressedSize: body.count)
        }
        out += header
        out += body
        return header.count + uncompressedSize
    }

    private static func checkPageSize(_ size: Int) throws {
        guard size <= Int(Int32.max) else { throw ParquetError("a page of \(size) bytes exceeds Parquet's 2 GiB page limit") }
    }

    // MARK: - Values

    /// Dictionary indices of `range`'s values, or nil once the dictionary outgrows `limit`.
    private static func dictionaryIndices(_ values: LeafValues, _ range: Range<Int>, into dictionary: inout DictionaryBuilder,
                                          limit: Int) -> [UInt32]? {
        var indices: [UInt32] = []
        indices.reserveCapacity(range.count)
        return values.bytes.withUnsafeBytes { raw in
            for i in range {
                let r = values.range(i)
                indices.append(dictionary.index(of: UnsafeRawBufferPointer(rebasing: raw[r])))
                if dictionary.plainSize > limit { return nil }
            }
            return indices
        }
    }

    /// RLE_DICTIONARY page values: the index bit width in one byte, then the indices.
    private static func appendIndices(_ indices: [UInt32], dictionaryCount: Int, to out: inout [UInt8]) {
        let width = max(1, (dictionaryCount - 1).bitWidthNeeded)
        out.reserveCapacity(out.count + indices.count * width / 8 + 16)
        out.append(UInt8(width))
        RLEHybridEncoder.encode(indices, bitWidth: width, into: &out)
    }

    /// Appends the PLAIN encoding of values `range`: BOOLEAN bit-packed, BYTE_ARRAY
    /// length-prefixed, the rest copied as stored.
    static func appendPlain(_ values: LeafValues, _ range: Range<Int>, to out: inout [UInt8]) {
        switch values.physicalType {
        case .boolean:
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: (range.count + 7) / 8))
            for (k, i) in range.enumerated() where values.bytes[i] != 0 { out[start + (k >> 3)] |= 1 << UInt8(k & 7) }
        case .byteArray:
            out.reserveCapacity(out.count + values.offsets[range.upperBound] - values.offsets[range.lowerBound] + 4 * range.count)
            values.bytes.withUnsafeBytes { raw in
                for i in range {
                    let start = values.offsets[i], end = values.offsets[i + 1]
                    withUnsafeBytes(of: UInt32(end - start).littleEndian) { out.append(contentsOf: $0) }
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                }
            }
        default:
            out.append(contentsOf: values.bytes[(range.lowerBound * values.width)..<(range.upperBound * values.width)])
        }
    }
}

/// One column chunk's bytes and the facts its footer entry records.
struct EncodedColumnChunk {
    /// Empty, or a dictionary page (header included) that starts the chunk.
    var dictionaryPage: [UInt8]
    var dataPages: [UInt8]
    /// Level entries (values and nulls).
    var numValues: Int64
    /// Headers plus uncompressed page bodies.
    var uncompressedSize: Int64
    var encodings: [Encoding]
    var statistics: ColumnStatistics

    var compressedSize: Int { dictionaryPage.count + dataPages.count }
}
