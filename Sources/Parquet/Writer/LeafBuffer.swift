/// One leaf column's shredded data for the row group being built: a definition and a
/// repetition level per entry (kept only when the column's maximum is above 0) and the
/// non-null values in PLAIN layout, ready to be paged, dictionary-encoded or copied.
struct LeafBuffer {
    let maxDefinitionLevel: UInt8
    let maxRepetitionLevel: UInt8
    var definitionLevels: [UInt8] = []
    var repetitionLevels: [UInt8] = []
    var values: LeafValues
    var entryCount = 0

    init(leaf: SchemaNode) {
        maxDefinitionLevel = UInt8(leaf.definitionLevel)
        maxRepetitionLevel = UInt8(leaf.repetitionLevel)
        values = LeafValues(physicalType: leaf.element.physicalType ?? .int32, typeLength: Int(leaf.element.typeLength ?? 0))
    }

    var nullCount: Int { entryCount - values.count }

    /// Bytes held, to decide when a row group is big enough.
    var byteCount: Int { definitionLevels.count + repetitionLevels.count + values.byteCount }

    @inline(__always)
    mutating func appendLevels(repetition: UInt8, definition: UInt8) {
        if maxRepetitionLevel > 0 { repetitionLevels.append(repetition) }
        if maxDefinitionLevel > 0 { definitionLevels.append(definition) }
        entryCount += 1
    }

    mutating func removeAll() {
        definitionLevels.removeAll(keepingCapacity: true)
        repetitionLevels.removeAll(keepingCapacity: true)
        values.removeAll()
        entryCount = 0
    }
}

/// Values of one physical type, PLAIN-encoded back to back: fixed-width types at `width`
/// bytes each (BOOLEAN one byte, 0 or 1, bit-packed only when a page is written), and
/// BYTE_ARRAY payloads without their length prefixes, delimited by `offsets`.
struct LeafValues {
    let physicalType: PhysicalType
    /// Bytes per value; 0 for BYTE_ARRAY.
    let width: Int
    var bytes: [UInt8] = []
    /// BYTE_ARRAY only: value i is `bytes[offsets[i]..<offsets[i + 1]]`.
    var offsets: [Int] = [0]
    private(set) var count = 0

    init(physicalType: PhysicalType, typeLength: Int) {
        self.physicalType = physicalType
        width = switch physicalType {
        case .boolean: 1
        case .int32, .float: 4
        case .int64, .double: 8
        case .int96: 12
        case .fixedLenByteArray: typeLength
        case .byteArray: 0
        }
    }

    var isVariableWidth: Bool { width == 0 }
    var byteCount: Int { bytes.count + (isVariableWidth ? offsets.count * 8 : 0) }

    /// Appends one value's bytes (exactly `width` of them for fixed-width types).
    @inline(__always)
    mutating func append(_ value: some Collection<UInt8>) {
        bytes.append(contentsOf: value)
        if isVariableWidth { offsets.append(bytes.count) }
        count += 1
    }

    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        count += 1
    }

    /// The byte range of value `i`.
    @inline(__always)
    func range(_ i: Int) -> Range<Int> {
        isVariableWidth ? offsets[i]..<offsets[i + 1] : (i * width)..<((i + 1) * width)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        count = 0
    }
}
