/// A file that cannot be opened or read, with the path and the system's reason.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
