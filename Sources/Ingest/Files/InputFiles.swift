import Foundation

/// Expands the paths given on the command line: files as they are, folders into the
/// dataset files below them (Hub layouts like `data/train_prefs-00000-of-00001.parquet` or
/// `default/train/0000.parquet`), in a stable order.
public enum InputFiles {
    static let extensions = [".jsonl", ".ndjson", ".json", ".parquet"]

    public static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw IngestError(path: path, message: "no such file or directory")
            }
            guard isDirectory.boolValue else { out.append(path); continue }
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw IngestError(path: path, message: "cannot list folder")
            }
            var found: [String] = []
            for case let relative as String in walker where isDatasetFile(relative) {
                found.append((path as NSString).appendingPathComponent(relative))
            }
            if found.isEmpty { throw IngestError(path: path, message: "folder holds no .jsonl, .json or .parquet files") }
            out += found.sorted()
        }
        return out
    }

    static func isDatasetFile(_ name: String) -> Bool {
        let lower = Compression.strippedName(name.lowercased())
        let base = (lower as NSString).lastPathComponent
        return !base.hasPrefix(".") && extensions.contains { lower.hasSuffix($0) }
    }
}
