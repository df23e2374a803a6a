import Foundation

/// The workspace directory that holds one project: the catalog and the shards and runs.
public struct WorkspaceLayout: Sendable {
    public let root: URL
    public init(root: URL) { self.root = root }
    public var catalog: URL { root.appendingPathComponent("pref.sqlite") }
    public var shards: URL { root.appendingPathComponent("shards", isDirectory: true) }
    public var runs: URL { root.appendingPathComponent("runs", isDirectory: true) }
}
