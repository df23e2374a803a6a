import Testing
@testable import Ingest

@Suite struct BoundaryScannerTests {
    func elements(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var scanner = JSONBoundaryScanner()
        var out: [String] = []
        bytes.withUnsafeBufferPointer { buf in
            while let r = scanner.nextElement(buf.baseAddress!, buf.count) {
                out.append(String(decoding: buf[r], as: UTF8.self))
            }
            if let r = scanner.unterminatedElement(buf.count) { out.append(String(decoding: buf[r], as: UTF8.self)) }
        }
        return out
    }

    @Test func cutsArrayElements() {
        #expect(elements(#"[{"a": "x]"}, {"b": [1, 2]}, "s", 3 ,true]"#) == [#"{"a": "x]"}"#, #"{"b": [1, 2]}"#, #""s""#, "3", "true"])
    }

    @Test func cutsPrettyPrintedArray() {
        #expect(elements("[\n{\n  \"a\": 1\n},\n{\n  \"a\": 2\n}\n]\n") == ["{\n  \"a\": 1\n}", "{\n  \"a\": 2\n}"])
    }

    @Test func cutsTopLevelValues() {
        #expect(elements("{\"a\": 1}\n{\"b\": \"}\\\"{\"} {}") == [#"{"a": 1}"#, #"{"b": "}\"{"}"#, "{}"])
    }

    @Test func emptyElementsAndTruncationAreHandedOver() {
        #expect(elements("[1,,2]") == ["1", ",", "2"])
        #expect(elements(#"[{"a": 1}, {"b": "#) == [#"{"a": 1}"#, #"{"b": "#])
    }
}
