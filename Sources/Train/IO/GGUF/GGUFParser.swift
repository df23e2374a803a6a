/// Parses the parts of a GGUF file before its data section, checking each claim as it goes.
struct GGUFParser {
    typealias Limits = GGUFFile.Limits
    var cursor: GGUFCursor

    mutating func parse() throws(GGUFError) -> GGUFLayout {
        var layout = GGUFLayout()
        try cursor.require(4, "the magic number")
        let magic = try cursor.integer(UInt32.self, "the magic number")
        guard magic == 0x4655_4747 else {  // "GGUF" read little-endian
            throw cursor.error("not a GGUF file: the magic number is 0x\(String(magic, radix: 16)), expected \"GGUF\"", at: 0)
        }
        let version = try cursor.integer(UInt32.self, "the version")
        guard version == 2 || version == 3 else {
            let hint = version.byteSwapped == 2 || version.byteSwapped == 3 ? " (a big-endian file; only little-endian is read)" : ""
            throw cursor.error("GGUF version \(version) is not supported (2, 3)\(hint)", at: 4)
        }
        layout.version = version
        // Each tensor info takes at least 24 bytes and each key/value at least 13, so larger
        // counts cannot be honest; refusing them here keeps every later loop bounded.
        let tensorCount = try cursor.count("the tensor count", limit: min(Limits.maxTensors, cursor.remaining / 24))
        let keyValueCount = try cursor.count("the metadata key/value count", limit: min(Limits.maxKeyValues, cursor.remaining / 13))

        var seenKeys: Set<String> = []
        for i in 0..<keyValueCount {
            let start = cursor.offset
            let key = try cursor.string("metadata key \(i)", maxBytes: Limits.maxKeyBytes)
            guard seenKeys.insert(key).inserted else { throw cursor.error("metadata key \"\(key)\" appears twice", at: start) }
            let typeOffset = cursor.offset
            let code = try cursor.integer(UInt32.self, "the type of \(key)")
            guard let type = GGUFValueType(rawValue: code) else {
                throw cursor.error("metadata \"\(key)\" has unknown value type \(code)", at: typeOffset)
            }
            layout.metadata.append((key, try value(of: type, key: key, depth: 0)))
        }

        if let value = layout.metadata.first(where: { $0.key == "general.alignment" })?.value {
            guard case .uint32(let a) = value else {
                throw cursor.error("general.alignment must be a u32, found \(value.typeName)")
            }
            guard a > 0, a & (a - 1) == 0, Int(a) <= Limits.maxAlignment else {
                throw cursor.error("general.alignment \(a) is not a power of two up to \(Limits.maxAlignment)")
            }
            layout.alignment = Int(a)
        }

        var seenNames: Set<String> = []
        for i in 0..<tensorCount {
            let info = try tensorInfo(i, alignment: layout.alignment)
            guard seenNames.insert(info.name).inserted else {
                throw cursor.error("tensor name \"\(info.name)\" appears twice", at: info.infoOffset)
            }
            layout.tensors.append(info)
        }

        let end = cursor.offset
        let (padded, overflow) = end.addingReportingOverflow(layout.alignment - 1)
        layout.dataOffset = overflow ? Int.max : padded / layout.alignment * layout.alignment
        try checkData(&layout)
        return layout
    }

    /// The data section must exist and hold every tensor, without overlaps.
    private func checkData(_ layout: inout GGUFLayout) throws(GGUFError) {
        guard !layout.tensors.isEmpty else {
            layout.dataOffset = min(layout.dataOffset, cursor.bytes.count)
            return
        }
        guard layout.dataOffset <= cursor.bytes.count else {
            throw cursor.error("the data section would start at byte \(layout.dataOffset), past the end of the \(cursor.bytes.count)-byte file")
        }
        let dataBytes = cursor.bytes.count - layout.dataOffset
        for t in layout.tensors where t.offset > dataBytes || t.byteCount > dataBytes - t.offset {
            throw cursor.error("tensor \(t.name): \(t.byteCount) bytes at data offset \(t.offset) run past the \(dataBytes)-byte data section", at: t.infoOffset)
        }
        let sorted = layout.tensors.filter { $0.byteCount > 0 }.sorted { $0.offset < $1.offset }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw cursor.error("tensors \(a.name) and \(b.name) overlap in the data section", at: b.infoOffset)
        }
    }

    private mutating func tensorInfo(_ index: Int, alignment: Int) throws(GGUFError) -> GGUFFile.TensorInfo {
        let start = cursor.offset
        let name = try cursor.string("the name of tensor \(index)", maxBytes: Limits.maxTensorNameBytes)
        let dimsOffset = cursor.offset
        let dimensionCount = try cursor.integer(UInt32.self, "the dimension count of \(name)")
        guard dimensionCount >= 1, dimensionCount <= Limits.maxDimensions else {
            throw cursor.error("tensor \(name) has \(dimensionCount) dimensions (1...\(Limits.maxDimensions))", at: dimsOffset)
        }
        var dimensions: [Int] = []
        var elements = 1
        for d in 0..<Int(dimensionCount) {
            let at = cursor.offset
            let raw = try cursor.integer(UInt64.self, "dimension \(d) of \(name)")
            guard raw >= 1, raw <= UInt64(cursor.bytes.count) * 256 else {
                throw cursor.error("tensor \(name) dimension \(d) is \(raw), impossible for a \(cursor.bytes.count)-byte file", at: at)
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(raw))
            guard !overflow, product <= cursor.bytes.count * 256 else {
                throw cursor.error("tensor \(name) has more elements than a \(cursor.bytes.count)-byte file can hold", at: at)
            }
            elements = product
            dimensions.append(Int(raw))
        }
        let typeOffset = cursor.offset
        let type = GGMLType(rawValue: try cursor.integer(UInt32.self, "the type of \(name)"))
        guard type.isKnown else { throw cursor.error("tensor \(name) has unknown ggml type \(type.rawValue)", at: typeOffset) }
        guard dimensions[0] % type.blockSize == 0 else {
            throw cursor.error("tensor \(name): its rows of \(dimensions[0]) elements are not whole \(type) blocks of \(type.blockSize)", at: typeOffset)
        }
        // elements ≤ 256 × file size, so this product cannot overflow.
        let byteCount = elements / type.blockSize * type.blockBytes
        let offsetAt = cursor.offset
        let rawOffset = try cursor.integer(UInt64.self, "the data offset of \(name)")
        guard rawOffset <= UInt64(cursor.bytes.count) else {
            throw cursor.error("tensor \(name) data offset \(rawOffset) is past the end of the \(cursor.bytes.count)-byte file", at: offsetAt)
        }
        guard Int(rawOffset) % alignment == 0 else {
            throw cursor.error("tensor \(name) data offset \(rawOffset) is not a multiple of the alignment \(alignment)", at: offsetAt)
        }
        return .init(name: name, dimensions: dimensions, type: type, offset: Int(rawOffset), byteCount: byteCount, infoOffset: start)
    }

    private mutating func value(of type: GGUFValueType, key: String, depth: Int) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try cursor.integer(UInt8.self, key))
        case .int8: return .int8(try cursor.integer(Int8.self, key))
        case .uint16: return .uint16(try cursor.integer(UInt16.self, key))
        case .int16: return .int16(try cursor.integer(Int16.self, key))
        case .uint32: return .uint32(try cursor.integer(UInt32.self, key))
        case .int32: return .int32(try cursor.integer(Int32.self, key))
        case .uint64: return .uint64(try cursor.integer(UInt64.self, key))
        case .int64: return .int64(try cursor.integer(Int64.self, key))
        case .float32: return .float32(try cursor.float32(key))
        case .float64: return .float64(try cursor.float64(key))
        case .string: return .string(try cursor.string(key, maxBytes: Limits.maxStringBytes))
        case .bool:
            let at = cursor.offset
            let byte = try cursor.integer(UInt8.self, key)
            guard byte <= 1 else { throw cursor.error("\(key) is a bool with byte value \(byte)", at: at) }
            return .bool(byte == 1)
        case .array:
            guard depth < Limits.maxArrayDepth else {
                throw cursor.error("\(key) nests arrays deeper than \(Limits.maxArrayDepth)")
            }
            let typeOffset = cursor.offset
            let code = try cursor.integer(UInt32.self, "the element type of \(key)")
            guard let elementType = GGUFValueType(rawValue: code) else {
                throw cursor.error("\(key) is an array of unknown value type \(code)", at: typeOffset)
            }
            let count = try cursor.count("the length of \(key)", limit: cursor.remaining / elementType.minimumBytes)
            var items: [GGUFValue] = []
            items.reserveCapacity(min(count, 1 << 16))  // grows with what is actually read
            for i in 0..<count { items.append(try value(of: elementType, key: "\(key)[\(i)]", depth: depth + 1)) }
            return .array(elementType, items)
        }
    }
}
