/// Why a Parquet file could not be read, and where: the column (dotted schema path), row
/// group, page and absolute byte offset are filled in as the error travels up, so a message
/// reads like "unsupported codec LZO in column chosen.list.element.content (row group 0,
/// page 0, byte offset 4)".
public struct ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var column: String?
    public var rowGroup: Int?
    public var page: Int?
    public var byteOffset: Int64?

    public init(_ message: String, column: String? = nil, rowGroup: Int? = nil, page: Int? = nil, byteOffset: Int64? = nil) {
        self.message = message
        self.column = column
        self.rowGroup = rowGroup
        self.page = page
        self.byteOffset = byteOffset
    }

    public var description: String {
        var text = message
        if let column { text += " in column \(column)" }
        var place: [String] = []
        if let rowGroup { place.append("row group \(rowGroup)") }
        if let page { place.append("page \(page)") }
        if let byteOffset { place.append("byte offset \(byteOffset)") }
        if !place.isEmpty { text += " (" + place.joined(separator: ", ") + ")" }
        return text
    }

    /// Fills in context that is not already set (the innermost, most precise, wins).
    func located(column: String? = nil, rowGroup: Int? = nil, page: Int? = nil, byteOffset: Int64? = nil) -> ParquetError {
        var copy = self
        if copy.column == nil { copy.column = column }
        if copy.rowGroup == nil { copy.rowGroup = rowGroup }
        if copy.page == nil { copy.page = page }
        if copy.byteOffset == nil { copy.byteOffset = byteOffset }
        return copy
    }
}

/// Runs `body`, adding location context to any `ParquetError` it throws.
@inline(__always)
func locating<T>(column: String? = nil, rowGroup: Int? = nil, page: Int? = nil, byteOffset: Int64? = nil,
                 _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ParquetError {
        throw error.located(column: column, rowGroup: rowGroup, page: page, byteOffset: byteOffset)
    }
}

/// The public entry points throw only `ParquetError`; internal code uses untyped `throws`
/// because the standard library's buffer closures do not carry typed errors.
@inline(__always)
func asParquetError<T>(_ body: () throws -> T) throws(ParquetError) -> T {
    do {
        return try body()
    } catch let error as ParquetError {
        throw error
    } catch {
        throw ParquetError("\(error)")
    }
}
