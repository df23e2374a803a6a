import Foundation
import JSON
@testable import Jinja

/// Paths and loaders for fixtures/chat_templates (written by scripts/chat-template-goldens.py)
/// and the real samples in ../shared/data.
enum Goldens {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("fixtures/chat_templates")
    static let sharedData = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// One JSON value per line.
    static func jsonLines(_ url: URL) throws -> [JSONValue] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    static func records(_ name: String) throws -> [JSONValue] {
        try jsonLines(fixtures.appendingPathComponent(name))
    }

    static func date(_ value: JSONValue?) -> JinjaDate {
        let parts = (value?.arrayValue ?? []).compactMap(\.intValue)
        guard parts.count == 6 else { return JinjaDate(year: 2026, month: 1, day: 15) }
        return JinjaDate(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
    }

    static func context(_ value: JSONValue?) -> [String: JinjaValue] {
        var context: [String: JinjaValue] = [:]
        for (key, item) in value?.objectValue?.pairs ?? JSONObject().pairs { context[key] = JinjaValue(item) }
        return context
    }

    /// The golden's error class, as the kind of error pref must raise.
    enum ExpectedFailure: Equatable {
        case templateException(String)
        case jinja(JinjaError.Kind)
    }

    static func expectedFailure(_ error: JSONValue?) -> ExpectedFailure? {
        guard let error, let type = error["class"]?.stringValue else { return nil }
        switch type {
        case "TemplateError": return .templateException(error["message"]?.stringValue ?? "")
        case "TemplateSyntaxError", "TemplateAssertionError", "SyntaxError": return .jinja(.syntax)
        case "UndefinedError": return .jinja(.undefined)
        case "SecurityError", "OverflowError": return .jinja(.security)
        default: return .jinja(.type)
        }
    }

    /// The message pref gave, to compare with the peer's.
    static func message(of error: Error) -> String? {
        (error as? JinjaError)?.message ?? (error as? TemplateException)?.message
    }

    /// What pref raised, in the same terms.
    static func failure(of error: Error) -> ExpectedFailure? {
        if let raised = error as? TemplateException { return .templateException(raised.message) }
        if let jinja = error as? JinjaError { return .jinja(jinja.kind) }
        return nil
    }

    /// Parses and renders; a parse error and a render error count alike, as in jinja2 where
    /// some checks (unknown filters) happen at compile time.
    static func outcome(source: String, _ render: (JinjaTemplate) throws -> JinjaRendering) -> Result<JinjaRendering, Error> {
        Result { try render(try JinjaTemplate(source: source)) }
    }
}

/// Rows of ../shared/data JSONL files, read once per file.
final class SharedRows: @unchecked Sendable {
    private var files: [String: [JSONValue]] = [:]
    private let lock = NSLock()

    func row(_ path: String, _ index: Int) throws -> JSONValue {
        lock.lock()
        defer { lock.unlock() }
        if files[path] == nil {
            files[path] = try Goldens.jsonLines(Goldens.sharedData.appendingPathComponent(path))
        }
        return files[path]![index]
    }
}

let hasSharedData = FileManager.default.fileExists(atPath: Goldens.sharedData.appendingPathComponent("chat_templates").path)
