import JSON

/// Why a tokenizer file, template or training request was refused. Messages name the place
/// (file, JSON path, byte offset) and what to do.
public struct TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// A value at `path` (e.g. `model.merges[12]`) that is present but wrong.
    static func invalid(_ path: String, _ problem: String) -> TokenizerError {
        TokenizerError("\(path): \(problem)")
    }

    /// A component type HF knows but pref does not implement.
    static func unsupported(_ path: String, _ what: String, supported: [String]) -> TokenizerError {
        TokenizerError("\(path): \(what) is not supported (supported: \(supported.joined(separator: ", ")))")
    }
}
