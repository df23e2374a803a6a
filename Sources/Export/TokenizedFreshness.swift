import JSON
import Store

/// Shards (and the reference log-probs stored beside them) are only valid for the split and
/// pairs they were tokenized from; `pref split` or `pref pairs` after `pref tokenize` leaves
/// them stale, and pair ids may then point at other pairs.
enum TokenizedFreshness {
    static func require(_ catalog: Catalog, what: String) throws {
        guard let settings = try catalog.settingValue(.tokenize) else {
            throw ExportError("the workspace is not tokenized yet: run `pref tokenize --tokenizer MODEL_DIR` first")
        }
        let current = try catalog.settingsFingerprint([.split, .pairs])
        guard settings["upstream"]?.stringValue == current else {
            throw ExportError("\(what) predate the current split or pairs: run `pref tokenize` again (same options) to rebuild the shards")
        }
    }
}
