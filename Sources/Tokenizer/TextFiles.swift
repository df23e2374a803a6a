import Foundation
import JSON

/// Reading the text files `pref tokenizer` works on.
public enum TextFiles {
    /// The file as a String; invalid UTF-8 is an error naming the byte offset.
    public static func read(_ url: URL) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError("\(url.path): cannot read: \(error.localizedDescription)")
        }
        return try decode(data, name: url.path)
    }

    /// A path from the command line; "-" is standard input.
    public static func read(path: String) throws -> String {
        guard path == "-" else { return try read(URL(fileURLWithPath: path)) }
        return try decode(FileHandle.standardInput.readDataToEndOfFile(), name: "standard input")
    }

    private static func decode(_ data: Data, name: String) throws -> String {
        let bad = data.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0) }
        if let bad { throw TokenizerError("\(name): invalid UTF-8 at byte \(bad)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Lines without their "\n" (a "\r" before it stays in the line); no empty last line for a
    /// file that ends with a newline.
    public static func lines(_ text: String) -> [String] {
        // Split on the byte: as Characters, "\r\n" is one grapheme and would not split.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(Substring($0)) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Lines with their endings, as HF's `Tokenizer.train(files)` feeds its trainer.
    public static func linesWithEndings(_ text: String) -> [String] {
        var lines: [String] = []
        var start = text.utf8.startIndex
        for index in text.utf8.indices where text.utf8[index] == UInt8(ascii: "\n") {
            let end = text.utf8.index(after: index)
            lines.append(String(text[start..<end]))
            start = end
        }
        if start != text.utf8.endIndex { lines.append(String(text[start...])) }
        return lines
    }
}
