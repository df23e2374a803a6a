/// A GGUF file that cannot be read: the file, the byte offset where reading stopped, and why.
public struct GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// Byte offset in the file of the field that is wrong (or where the file ended).
    public let offset: Int
    public let message: String

    public init(path: String, offset: Int, message: String) {
        self.path = path
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(path): byte \(offset): \(message)" }
}
