import Foundation
import JSON
import Testing
@testable import Jinja

/// Small templates that exercise each statement, filter, test and method, against jinja2
/// in transformers' environment (fixtures/chat_templates/synthetic.golden.jsonl).
@Suite struct SyntheticGoldenTests {
    static let records = (try? Goldens.records("synthetic.golden.jsonl")) ?? []

    @Test func goldensArePresent() {
        #expect(Self.records.count >= 130)
    }

    @Test(arguments: records.map { $0["name"]!.stringValue! })
    func rendersLikeJinja2(_ name: String) throws {
        let record = try #require(Self.records.first { $0["name"]?.stringValue == name })
        let source = record["source"]!.stringValue!
        let context = Goldens.context(record["context"])
        let outcome = Goldens.outcome(source: source) { try $0.render(context: context, date: Goldens.date(record["date"])) }
        if let expected = Goldens.expectedFailure(record["error"]) {
            switch outcome {
            case .success(let rendering): Issue.record("rendered \(rendering.text.debugDescription), jinja2 raised \(expected)")
            case .failure(let error):
                #expect(Goldens.failure(of: error) == expected, "\(error)")
                // Python's own SyntaxError names a line of jinja2's generated code; nothing to match.
                if record["error"]?["class"]?.stringValue != "SyntaxError" {
                    #expect(Goldens.message(of: error) == record["error"]?["message"]?.stringValue)
                }
            }
            return
        }
        let rendering = try outcome.get()
        #expect(rendering.text == record["text"]!.stringValue!)
        if let spans = record["generation"]?.arrayValue {
            let expected = spans.map { $0.arrayValue![0].intValue!..<$0.arrayValue![1].intValue! }
            #expect(rendering.generationCharacterSpans == expected)
        }
    }
}
