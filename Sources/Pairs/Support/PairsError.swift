/// A problem the user can act on: what went wrong, and usually what to run instead.
public struct PairsError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
