/// A `pref tokenize` failure, explained for the user.
public struct TokenizeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
