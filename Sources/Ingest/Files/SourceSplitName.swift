import Foundation

/// The original split a Hub file belongs to, read from its name: `test_prefs-00000-of-00001.parquet`
/// → `test_prefs`, `data/test_sft-00000-of-00001-f7dfac4afe5b93f4.parquet` → `test_sft`,
/// `default/train/0000.parquet` → `train`; nil when the name says nothing about a split.
enum SourceSplitName {
    static func infer(path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard let file = parts.last else { return nil }
        var stem = Compression.strippedName(file)
        if let dot = stem.firstIndex(of: ".") { stem = String(stem[..<dot]) }
        // Drop the shard suffix "-00000-of-00003" and an optional "-<hex fingerprint>".
        if let range = stem.range(of: #"-\d{5}-of-\d{5}(-[0-9a-f]+)?$"#, options: .regularExpression) {
            stem.removeSubrange(range)
        }
        if isSplitName(stem) { return stem }
        if parts.count >= 2, isSplitName(parts[parts.count - 2]) { return parts[parts.count - 2] }
        return nil
    }

    static func isSplitName(_ s: String) -> Bool {
        let lower = s.lowercased()
        for base in ["train", "test", "validation", "valid", "dev", "eval", "partial-train", "partial-test"] {
            if lower == base || lower.hasPrefix(base + "_") { return true }
        }
        return false
    }
}
