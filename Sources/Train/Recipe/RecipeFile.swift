import Foundation
import Yams

/// A recipe file as read: each key's value and the line it is on. Only the file's own
/// keys; defaults and flags come in `TrainingRecipe`.
public struct RecipeFile: Sendable {
    public let path: String
    public let entries: [RecipeKey: RecipeSetting]

    public init(contentsOf url: URL) throws(RecipeError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(text: text, path: url.path)
    }

    public init(text: String, path: String) throws(RecipeError) {
        self.path = path
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw Self.syntaxError(error, path: path, text: text)
        } catch {
            throw .syntax(path: path, line: 1, reason: "\(error)")
        }
        guard let root else {  // an empty file (or only comments) sets nothing
            entries = [:]
            return
        }
        guard let mapping = root.mapping else { throw .notAMapping(path: path) }
        var entries: [RecipeKey: RecipeSetting] = [:]
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? 0
            guard let name = keyNode.scalar?.string else { throw .notAMapping(path: path) }
            guard let key = RecipeKey(rawValue: name) else {
                throw .unknownKey(path: path, line: line, key: name, suggestion: RecipeKey.closest(to: name))
            }
            let origin = RecipeOrigin.file(path: path, line: valueNode.mark?.line ?? line)
            entries[key] = RecipeSetting(try Self.value(of: valueNode, for: key, origin: origin), origin)
        }
        self.entries = entries
    }

    /// The node's value checked against the key's kind. A quoted scalar is always a string,
    /// so `beta: "0.1"` is a wrong type, not a number.
    static func value(of node: Node, for key: RecipeKey, origin: RecipeOrigin) throws(RecipeError) -> RecipeValue {
        guard let scalar = node.scalar else {
            throw .wrongType(origin: origin, key: key, expected: key.expected, found: node.mapping != nil ? "a mapping" : "a list")
        }
        let read = scalar.style == .plain ? RecipeScalar.plainValue(scalar.string) : .string(scalar.string)
        return try RecipeTyping.check(read, for: key, origin: origin)
    }

    static func syntaxError(_ error: YamlError, path: String, text: String) -> RecipeError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .syntax(path: path, line: mark.line, reason: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks only the first; the lines that set the key are what the user edits.
            let key = duplicates.first ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { n, line in
                line.drop(while: { $0 == " " }).hasPrefix(key + ":") ? n + 1 : nil
            }
            return .duplicateKey(path: path, key: key, lines: lines.count > 1 ? lines : [context.mark.line])
        default:
            return .syntax(path: path, line: 1, reason: "\(error)")
        }
    }
}

/// A value and where it came from.
public struct RecipeSetting: Sendable, Equatable {
    public var value: RecipeValue
    public var origin: RecipeOrigin

    public init(_ value: RecipeValue, _ origin: RecipeOrigin) {
        self.value = value
        self.origin = origin
    }
}
