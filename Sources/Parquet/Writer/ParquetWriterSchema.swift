/// A column type as a writer's caller describes it, in Arrow's terms; `ParquetWriterSchema`
/// turns it into Parquet's schema the way pyarrow (≥ 13) writes it: lists as three-level
/// `LIST` groups with a `list` / `element` pair, maps as `MAP` groups with a `key_value`
/// group, both logical and legacy converted annotations.
public indirect enum ParquetDataType: Sendable, Equatable {
    case boolean
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    /// Legacy INT96 nanosecond timestamps (pyarrow reads them as `timestamp[ns]`).
    case int96
    case float, double
    case string
    case binary
    case fixedBinary(length: Int)
    /// Days since 1970-01-01.
    case date
    case timestamp(TimeUnit, utc: Bool)
    /// Stored as FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold `precision` digits.
    case decimal(precision: Int, scale: Int)
    case list(ParquetDataType, elementNullable: Bool = true)
    case structure([ParquetColumn])
    /// Keys are never null.
    case map(key: ParquetDataType, value: ParquetDataType, valueNullable: Bool = true)
}

/// A named field: a top-level column or a struct member.
public struct ParquetColumn: Sendable, Equatable {
    public var name: String
    public var type: ParquetDataType
    public var nullable: Bool

    public init(_ name: String, _ type: ParquetDataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// The schema of a file to write: the footer's depth-first list of schema elements.
public struct ParquetWriterSchema: Sendable {
    let elements: [SchemaElement]
    /// The tree with definition and repetition levels, as the reader builds it.
    public let tree: ParquetSchema

    public init(_ columns: [ParquetColumn]) throws(ParquetError) {
        var elements = [SchemaElement(name: "schema", numChildren: Int32(columns.count))]
        try Self.checkNames(columns.map(\.name), in: "the schema")
        for column in columns { try Self.append(column, path: column.name, to: &elements) }
        try self.init(elements: elements)
    }

    /// The schema of a file that was read, or of its named top-level columns (in the order
    /// given), to write rows read from it.
    public init(_ schema: ParquetSchema, columns: [String]? = nil) throws(ParquetError) {
        let fields = try ParquetProjection(schema: schema, columns: columns).columnNames.compactMap { name in
            schema.fields.first { $0.name == name }
        }
        var root = schema.root.element
        root.numChildren = Int32(fields.count)
        try self.init(elements: [root] + fields.flatMap(\.depthFirstElements))
    }

    init(elements: [SchemaElement]) throws(ParquetError) {
        self.elements = elements
        tree = try asParquetError { try ParquetSchema(elements: elements) }
        guard !tree.leaves.isEmpty else { throw ParquetError("the schema has no columns") }
    }

    private static func checkNames(_ names: [String], in place: String) throws(ParquetError) {
        var seen: Set<String> = []
        for name in names {
            guard !name.isEmpty else { throw ParquetError("\(place) has a field with an empty name") }
            guard seen.insert(name).inserted else { throw ParquetError("\(place) has two fields named \"\(name)\"") }
        }
    }

    private static func append(_ column: ParquetColumn, path: String, to elements: inout [SchemaElement]) throws(ParquetError) {
        let repetition: Repetition = column.nullable ? .optional : .required
        switch column.type {
        case .list(let element, let elementNullable):
            elements.append(SchemaElement(name: column.name, repetition: repetition, numChildren: 1, convertedType: .list, logicalType: .list))
            elements.append(SchemaElement(name: "list", repetition: .repeated, numChildren: 1))
            try append(ParquetColumn("element", element, nullable: elementNullable), path: path + ".list.element", to: &elements)
        case .structure(let fields):
            guard !fields.isEmpty else { throw ParquetError("struct column \(path) has no fields") }
            try checkNames(fields.map(\.name), in: "struct column \(path)")
            elements.append(SchemaElement(name: column.name, repetition: repetition, numChildren: Int32(fields.count)))
            for field in fields { try append(field, path: path + "." + field.name, to: &elements) }
        case .map(let key, let value, let valueNullable):
            elements.append(SchemaElement(name: column.name, repetition: repetition, numChildren: 1, convertedType: .map, logicalType: .map))
            elements.append(SchemaElement(name: "key_value", repetition: .repeated, numChildren: 2))
            try append(ParquetColumn("key", key, nullable: false), path: path + ".key_value.key", to: &elements)
            try append(ParquetColumn("value", value, nullable: valueNullable), path: path + ".key_value.value", to: &elements)
        default:
            var element = try primitive(column.type, path: path)
            element.name = column.name
            element.repetition = repetition
            elements.append(element)
        }
    }

    private static func primitive(_ type: ParquetDataType, path: String) throws(ParquetError) -> SchemaElement {
        switch type {
        case .boolean: return SchemaElement(physicalType: .boolean)
        case .int8: return integer(.int32, bits: 8, signed: true, converted: .int8)
        case .int16: return integer(.int32, bits: 16, signed: true, converted: .int16)
        case .int32: return SchemaElement(physicalType: .int32)
        case .int64: return SchemaElement(physicalType: .int64)
        case .uint8: return integer(.int32, bits: 8, signed: false, converted: .uint8)
        case .uint16: return integer(.int32, bits: 16, signed: false, converted: .uint16)
        case .uint32: return integer(.int32, bits: 32, signed: false, converted: .uint32)
        case .uint64: return integer(.int64, bits: 64, signed: false, converted: .uint64)
        case .int96: return SchemaElement(physicalType: .int96)
        case .float: return SchemaElement(physicalType: .float)
        case .double: return SchemaElement(physicalType: .double)
        case .string: return SchemaElement(physicalType: .byteArray, convertedType: .utf8, logicalType: .string)
        case .binary: return SchemaElement(physicalType: .byteArray)
        case .fixedBinary(let length):
            guard length > 0, length <= Int(Int32.max) else { throw ParquetError("fixed-size binary column \(path) needs a positive length") }
            return SchemaElement(physicalType: .fixedLenByteArray, typeLength: Int32(length))
        case .date: return SchemaElement(physicalType: .int32, convertedType: .date, logicalType: .date)
        case .timestamp(let unit, let utc):
            // Readers without logical types know only UTC milli- and microsecond timestamps.
            let converted: ConvertedType? = !utc ? nil : unit == .millis ? .timestampMillis : unit == .micros ? .timestampMicros : nil
            return SchemaElement(physicalType: .int64, convertedType: converted, logicalType: .timestamp(utc: utc, unit: unit))
        case .decimal(let precision, let scale):
            guard (1...76).contains(precision), (0...precision).contains(scale) else {
                throw ParquetError("decimal column \(path) has precision \(precision) and scale \(scale); needs 1 ≤ precision ≤ 76, 0 ≤ scale ≤ precision")
            }
            return SchemaElement(physicalType: .fixedLenByteArray, typeLength: Int32(decimalByteWidth(precision: precision)),
                                 convertedType: .decimal, scale: Int32(scale), precision: Int32(precision),
                                 logicalType: .decimal(scale: Int32(scale), precision: Int32(precision)))
        case .list, .structure, .map:
            throw ParquetError("internal: \(path) is not a primitive column")
        }
    }

    private static func integer(_ physical: PhysicalType, bits: Int8, signed: Bool, converted: ConvertedType) -> SchemaElement {
        SchemaElement(physicalType: physical, convertedType: converted, logicalType: .integer(bitWidth: bits, signed: signed))
    }

    /// The fewest bytes whose two's-complement range holds every `precision`-digit number.
    static func decimalByteWidth(precision: Int) -> Int {
        // digits(n bytes) = floor(log10(2^(8n-1) - 1))
        var bytes = 1
        while Double(8 * bytes - 1) * 0.30102999566398120 < Double(precision) { bytes += 1 }
        return bytes
    }
}

extension SchemaNode {
    /// This node's subtree as the footer lists it.
    var depthFirstElements: [SchemaElement] { [element] + children.flatMap(\.depthFirstElements) }
}
