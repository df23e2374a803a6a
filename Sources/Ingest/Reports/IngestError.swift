/// A file that cannot be read as a whole (as opposed to a bad record, which is quarantined).
public struct IngestError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let offset: Int?
    public let message: String
    public init(path: String, offset: Int? = nil, message: String) {
        self.path = path
        self.offset = offset
        self.message = message
    }
    public var description: String {
        if let offset { return "\(path): at byte \(offset): \(message)" }
        return "\(path): \(message)"
    }
}
