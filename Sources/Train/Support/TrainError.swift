/// Errors from the training library. Each message names the file or field and the problem.
public enum TrainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A config.json field is missing, has the wrong type, or holds an unsupported value.
    case invalidConfig(String)
    /// A batch is inconsistent with itself or with the model (shape, token id out of range).
    case invalidBatch(String)
    /// A safetensors file is malformed; `path` names the file, the message says where and what.
    case invalidSafetensors(path: String, message: String)
    /// A checkpoint or model folder is missing a tensor, has a wrong shape, or is unreadable.
    case invalidCheckpoint(String)
    /// A training option is out of range.
    case invalidOption(String)
    /// A file system operation failed.
    case io(String)

    public var description: String {
        switch self {
        case .invalidConfig(let m): "invalid model config: \(m)"
        case .invalidBatch(let m): "invalid batch: \(m)"
        case .invalidSafetensors(let path, let m): "\(path): invalid safetensors: \(m)"
        case .invalidCheckpoint(let m): "invalid checkpoint: \(m)"
        case .invalidOption(let m): "invalid option: \(m)"
        case .io(let m): m
        }
    }
}
