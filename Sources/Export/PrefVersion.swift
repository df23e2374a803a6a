/// pref's release version, the one python/pyproject.toml carries; exports record it so a
/// file can be traced to the code that wrote it.
public enum PrefVersion {
    public static let current = "0.1.0"
}
