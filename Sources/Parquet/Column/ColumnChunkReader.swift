/// Reads one column chunk (one leaf of one row group): walks its pages, decompresses them,
/// decodes levels and values, and returns them as `LeafColumnData`.
struct ColumnChunkReader {
    let leaf: SchemaNode
    let chunk: ColumnChunkMetadata
    let limits: ParquetReadLimits
    private let converter: ValueConverter
    private let physicalType: PhysicalType
    private let typeLength: Int

    init(leaf: SchemaNode, chunk: ColumnChunkMetadata, limits: ParquetReadLimits) throws {
        self.leaf = leaf
        self.chunk = chunk
        self.limits = limits
        converter = try ValueConverter(leaf.element)
        physicalType = leaf.element.physicalType ?? .int32
        typeLength = Int(leaf.element.typeLength ?? 0)
    }

    /// The chunk's byte range: it starts at the dictionary page when there is one.
    func byteRange(dataEnd: Int64) throws -> (start: Int64, count: Int) {
        var start = chunk.dataPageOffset
        if let dictionary = chunk.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        let size = chunk.totalCompressedSize
        guard start >= 4, size >= 0, start <= dataEnd, size <= dataEnd - start else {
            throw ParquetError("column chunk at \(start) with \(size) bytes lies outside the data region (4..<\(dataEnd))", byteOffset: start)
        }
        return (start, Int(size))
    }

    func read(_ bytes: UnsafeRawBufferPointer, fileOffset: Int64) throws -> LeafColumnData {
        guard chunk.physicalType == physicalType else {
            throw ParquetError("column chunk has type \(chunk.physicalType), the schema says \(physicalType)")
        }
        guard Decompressor.isSupported(chunk.codec) else { throw ParquetError("unsupported codec \(chunk.codec)") }
        guard chunk.numValues >= 0, chunk.numValues <= Int64(limits.maxValuesPerColumnChunk) else {
            throw ParquetError("column chunk declares \(chunk.numValues) values (limit \(limits.maxValuesPerColumnChunk))")
        }
        var state = ChunkState(leaf: leaf, expected: Int(chunk.numValues))
        var position = 0
        var pageIndex = 0
        while state.data.entryCount < state.expected {
            guard position < bytes.count else {
                throw ParquetError("column chunk ended after \(state.data.entryCount) of \(state.expected) values",
                                   byteOffset: fileOffset + Int64(position))
            }
            let pageOffset = fileOffset + Int64(position)
            var thrift = ThriftCompactReader(bytes, position: position, baseOffset: fileOffset)
            let header = try locating(page: pageIndex) { try PageHeader.decode(&thrift) }
            let bodyStart = thrift.position
            guard Int(header.compressedSize) <= bytes.count - bodyStart else {
                throw ParquetError("page of \(header.compressedSize) bytes runs past the end of the column chunk",
                                   page: pageIndex, byteOffset: pageOffset)
            }
            let body = UnsafeRawBufferPointer(rebasing: bytes[bodyStart..<(bodyStart + Int(header.compressedSize))])
            try locating(page: pageIndex, byteOffset: pageOffset) {
                try readPage(header, body: body, pageIndex: pageIndex, state: &state)
            }
            position = bodyStart + Int(header.compressedSize)
            pageIndex += 1
        }
        return state.data
    }

    private struct ChunkState {
        var data: LeafColumnData
        let expected: Int
        var dictionary: [ParquetValue]?

        init(leaf: SchemaNode, expected: Int) {
            data = LeafColumnData(maxDefinitionLevel: leaf.definitionLevel, maxRepetitionLevel: leaf.repetitionLevel)
            self.expected = expected
            if leaf.definitionLevel > 0 { data.definitionLevels.reserveCapacity(expected) }
            if leaf.repetitionLevel > 0 { data.repetitionLevels.reserveCapacity(expected) }
        }
    }

    private func readPage(_ header: PageHeader, body: UnsafeRawBufferPointer, pageIndex: Int, state: inout ChunkState) throws {
        switch header.pageType {
        case .dictionaryPage:
            guard state.dictionary == nil, state.data.entryCount == 0 else {
                throw ParquetError("a dictionary page must come first and only once")
            }
            guard header.encoding == .plain || header.encoding == .plainDictionary else {
                throw ParquetError("unsupported dictionary page encoding \(header.encoding)")
            }
            let page = try decompress(body, size: Int(header.uncompressedSize))
            var dictionary: [ParquetValue] = []
            try page.withUnsafeBytes { try decodePlain($0, count: Int(header.numValues), into: &dictionary) }
            state.dictionary = dictionary
        case .dataPage:
            let count = try checkedCount(header, state: state)
            let page = try decompress(body, size: Int(header.uncompressedSize))
            try page.withUnsafeBytes { raw in
                var cursor = ByteCursor(raw)
                if leaf.repetitionLevel > 0 {
                    try decodeLevelsV1(&cursor, encoding: header.repetitionLevelEncoding, count: count,
                                       maxLevel: leaf.repetitionLevel, into: &state.data.repetitionLevels, what: "repetition")
                }
                if leaf.definitionLevel > 0 {
                    try decodeLevelsV1(&cursor, encoding: header.definitionLevelEncoding, count: count,
                                       maxLevel: leaf.definitionLevel, into: &state.data.definitionLevels, what: "definition")
                }
                let nonNull = nonNullCount(state.data, newEntries: count)
                try decodeValues(UnsafeRawBufferPointer(rebasing: raw[cursor.position...]), encoding: header.encoding,
                                 count: nonNull, state: &state)
            }
            state.data.entryCount += count
        case .dataPageV2:
            let count = try checkedCount(header, state: state)
            let repLength = Int(header.repetitionLevelsByteLength), defLength = Int(header.definitionLevelsByteLength)
            guard repLength + defLength <= body.count, repLength + defLength <= Int(header.uncompressedSize) else {
                throw ParquetError("level sections (\(repLength) + \(defLength) bytes) exceed the page")
            }
            if leaf.repetitionLevel > 0 {
                try decodeLevels(UnsafeRawBufferPointer(rebasing: body[0..<repLength]), count: count,
                                 maxLevel: leaf.repetitionLevel, into: &state.data.repetitionLevels, what: "repetition")
            }
            if leaf.definitionLevel > 0 {
                try decodeLevels(UnsafeRawBufferPointer(rebasing: body[repLength..<(repLength + defLength)]), count: count,
                                 maxLevel: leaf.definitionLevel, into: &state.data.definitionLevels, what: "definition")
            }
            let nonNull = nonNullCount(state.data, newEntries: count)
            let valuesSection = UnsafeRawBufferPointer(rebasing: body[(repLength + defLength)...])
            let valuesSize = Int(header.uncompressedSize) - repLength - defLength
            // Some writers leave the compressed section empty when there are no value bytes
            // (no values, or all null): there is nothing to decompress.
            if header.isCompressed && chunk.codec != .uncompressed && !valuesSection.isEmpty {
                let values = try decompress(valuesSection, size: valuesSize)
                try values.withUnsafeBytes { try decodeValues($0, encoding: header.encoding, count: nonNull, state: &state) }
            } else {
                guard valuesSection.count == valuesSize else {
                    throw ParquetError("uncompressed values section has \(valuesSection.count) bytes but declares \(valuesSize)")
                }
                try decodeValues(valuesSection, encoding: header.encoding, count: nonNull, state: &state)
            }
            state.data.entryCount += count
        default:
            break  // Index pages and unknown page types carry no values.
        }
    }

    private func checkedCount(_ header: PageHeader, state: ChunkState) throws -> Int {
        let count = Int(header.numValues)
        guard count <= state.expected - state.data.entryCount else {
            throw ParquetError("page holds \(count) values but only \(state.expected - state.data.entryCount) of the column chunk's \(state.expected) remain")
        }
        return count
    }

    private func decompress(_ body: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        try Decompressor.decompress(body, codec: chunk.codec, uncompressedSize: size, limit: limits.maxPageBytes)
    }

    /// Values present in the page: entries whose definition level is the column's maximum.
    private func nonNullCount(_ data: LeafColumnData, newEntries: Int) -> Int {
        guard leaf.definitionLevel > 0 else { return newEntries }
        let maxLevel = UInt8(leaf.definitionLevel)
        return data.definitionLevels.withUnsafeBufferPointer { levels in
            var n = 0
            for i in (levels.count - newEntries)..<levels.count where levels[i] == maxLevel { n += 1 }
            return n
        }
    }

    // MARK: - Levels

    private func decodeLevelsV1(_ cursor: inout ByteCursor, encoding: Encoding, count: Int, maxLevel: Int,
                                into levels: inout [UInt8], what: String) throws {
        switch encoding {
        case .rle:
            let length = Int(try cursor.readUInt32LE())
            try decodeLevels(try cursor.take(length), count: count, maxLevel: maxLevel, into: &levels, what: what)
        case .bitPacked:
            let width = maxLevel.bitWidthNeeded
            let section = try cursor.take(LegacyBitPacked.byteLength(count: count, bitWidth: width))
            let start = levels.count
            levels.append(contentsOf: repeatElement(0, count: count))
            try levels.withUnsafeMutableBufferPointer { buffer in
                try LegacyBitPacked.decode(section, bitWidth: width, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
            }
            try checkLevels(levels, from: start, maxLevel: maxLevel, what: what)
        default:
            throw ParquetError("unsupported \(what) level encoding \(encoding)")
        }
    }

    private func decodeLevels(_ bytes: UnsafeRawBufferPointer, count: Int, maxLevel: Int, into levels: inout [UInt8], what: String) throws {
        var decoder = try RLEHybridDecoder(bytes, bitWidth: maxLevel.bitWidthNeeded)
        let start = levels.count
        levels.append(contentsOf: repeatElement(0, count: count))
        try levels.withUnsafeMutableBufferPointer { buffer in
            try decoder.decode(into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
        try checkLevels(levels, from: start, maxLevel: maxLevel, what: what)
    }

    private func checkLevels(_ levels: [UInt8], from start: Int, maxLevel: Int, what: String) throws {
        let limit = UInt8(maxLevel)
        for i in start..<levels.count where levels[i] > limit {
            throw ParquetError("\(what) level \(levels[i]) exceeds the column's maximum \(maxLevel)")
        }
    }

    // MARK: - Values

    private func decodeValues(_ bytes: UnsafeRawBufferPointer, encoding: Encoding, count: Int, state: inout ChunkState) throws {
        switch encoding {
        case .plainDictionary, .rleDictionary:
            guard let dictionary = state.dictionary else { throw ParquetError("dictionary-encoded page without a dictionary page") }
            try gather(bytes, dictionary: dictionary, count: count, into: &state.data.values)
            return
        default:
            break
        }
        let physical: PhysicalValues
        switch encoding {
        case .plain:
            try decodePlain(bytes, count: count, into: &state.data.values)
            return
        case .rle where physicalType == .boolean:
            var cursor = ByteCursor(bytes)
            let length = Int(try cursor.readUInt32LE())
            var decoder = try RLEHybridDecoder(try cursor.take(length), bitWidth: 1)
            var bits = [UInt8](repeating: 0, count: count)
            try bits.withUnsafeMutableBufferPointer { try decoder.decode(into: $0) }
            physical = .boolean(bits.map { $0 != 0 })
        case .deltaBinaryPacked where physicalType == .int32 || physicalType == .int64:
            var decoder = try DeltaBinaryPackedDecoder(bytes, maxCount: count)
            guard decoder.totalCount == count else {
                throw ParquetError("DELTA_BINARY_PACKED holds \(decoder.totalCount) values, the page needs \(count)")
            }
            let wide = try decoder.decodeAll()
            physical = physicalType == .int32 ? .int32(wide.map { Int32(truncatingIfNeeded: $0) }) : .int64(wide)
        case .deltaLengthByteArray where physicalType == .byteArray:
            physical = .bytes(try DeltaByteArrayDecoding.decodeLengthPrefixed(bytes, count: count))
        case .deltaByteArray where physicalType == .byteArray || physicalType == .fixedLenByteArray:
            let arrays = try DeltaByteArrayDecoding.decodeIncremental(bytes, count: count, maxTotalBytes: limits.maxPageBytes)
            if physicalType == .fixedLenByteArray {
                for i in 0..<arrays.count where arrays.offsets[i + 1] - arrays.offsets[i] != typeLength {
                    throw ParquetError("DELTA_BYTE_ARRAY value \(i) is not \(typeLength) bytes long")
                }
            }
            physical = .bytes(arrays)
        case .byteStreamSplit:
            physical = try ByteStreamSplitDecoder.decode(bytes, type: physicalType, typeLength: typeLength, count: count)
        default:
            throw ParquetError("unsupported encoding \(encoding) for \(physicalType) values")
        }
        try converter.convert(physical, into: &state.data.values)
    }

    private func decodePlain(_ bytes: UnsafeRawBufferPointer, count: Int, into values: inout [ParquetValue]) throws {
        if physicalType == .byteArray {
            try converter.convertPlainByteArrays(bytes, count: count, into: &values)
        } else {
            try converter.convert(try PlainDecoder.decode(bytes, type: physicalType, typeLength: typeLength, count: count), into: &values)
        }
    }

    private func gather(_ bytes: UnsafeRawBufferPointer, dictionary: [ParquetValue], count: Int, into values: inout [ParquetValue]) throws {
        if count == 0 { return }
        var cursor = ByteCursor(bytes)
        let width = Int(try cursor.readByte())
        var decoder = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: bytes[1...]), bitWidth: width)
        var indices = [UInt32](repeating: 0, count: count)
        try indices.withUnsafeMutableBufferPointer { try decoder.decode(into: $0) }
        values.reserveCapacity(values.count + count)
        let size = UInt32(truncatingIfNeeded: dictionary.count)
        for index in indices {
            guard index < size else {
                throw ParquetError("dictionary index \(index) out of range (the dictionary has \(dictionary.count) entries)")
            }
            values.append(dictionary[Int(index)])
        }
    }
}
