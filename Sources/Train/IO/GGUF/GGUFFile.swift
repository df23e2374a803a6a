import Foundation

/// A GGUF file (versions 2 and 3), memory-mapped: header, metadata key/values, tensor infos,
/// then the aligned tensor data. Every count, length and offset the file claims is checked
/// against the file's size and against fixed limits before anything is allocated for it.
public struct GGUFFile: Sendable {
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        /// ggml order: `dimensions[0]` is the innermost (contiguous) axis.
        public let dimensions: [Int]
        public let type: GGMLType
        /// Byte offset of the tensor's data from the start of the data section.
        public let offset: Int
        public let byteCount: Int
        /// Byte offset in the file of this tensor's info record (for messages).
        public let infoOffset: Int

        /// Row-major shape as PyTorch / safetensors write it (the ggml dimensions reversed).
        public var shape: [Int] { dimensions.reversed() }
        public var elementCount: Int { dimensions.reduce(1, *) }
    }

    public enum Limits {
        public static let maxTensors = 1 << 20
        public static let maxKeyValues = 1 << 20
        public static let maxKeyBytes = 1 << 16
        public static let maxStringBytes = 1 << 28
        public static let maxTensorNameBytes = 1 << 10
        public static let maxDimensions = 4
        public static let maxArrayDepth = 4
        public static let maxAlignment = 1 << 20
    }

    public static let defaultAlignment = 32

    public let path: String
    public let version: UInt32
    /// In file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// In file order.
    public let tensors: [TensorInfo]
    public let alignment: Int
    /// File offset where the data section starts.
    public let dataOffset: Int
    private let bytes: Data
    private let metadataIndex: [String: Int]
    private let tensorIndex: [String: Int]

    public init(contentsOf url: URL) throws(GGUFError) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw GGUFError(path: url.path, offset: 0, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }

    public init(data: Data, path: String) throws(GGUFError) {
        let parsed: Result<GGUFLayout, GGUFError> = data.withUnsafeBytes { raw in
            Result { () throws(GGUFError) in
                var parser = GGUFParser(cursor: GGUFCursor(bytes: raw, path: path))
                return try parser.parse()
            }
        }
        let layout = try parsed.get()
        self.path = path
        bytes = data
        version = layout.version
        metadata = layout.metadata
        tensors = layout.tensors
        alignment = layout.alignment
        dataOffset = layout.dataOffset
        metadataIndex = Dictionary(layout.metadata.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        tensorIndex = Dictionary(layout.tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public subscript(key: String) -> GGUFValue? { metadataIndex[key].map { metadata[$0].value } }

    public func tensor(named name: String) -> TensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// Calls `body` with the tensor's raw bytes (validated to lie inside the file).
    public func withBytes<R>(of tensor: TensorInfo, _ body: (UnsafeRawBufferPointer) throws(GGUFError) -> R) throws(GGUFError) -> R {
        let start = dataOffset + tensor.offset
        let result: Result<R, GGUFError> = bytes.withUnsafeBytes { raw in
            Result { () throws(GGUFError) in try body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + tensor.byteCount)])) }
        }
        return try result.get()
    }

    /// The tensor converted to Float32, in ggml order (row-major in `shape`).
    public func floats(_ tensor: TensorInfo) throws(GGUFError) -> [Float] {
        var out = [Float](repeating: 0, count: tensor.elementCount)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(GGUFError) in
            try dequantize(tensor, into: buffer.baseAddress!)
        }
        return out
    }

    /// Converts the tensor into `destination`, which must hold `tensor.elementCount` floats.
    public func dequantize(_ tensor: TensorInfo, into destination: UnsafeMutablePointer<Float>) throws(GGUFError) {
        guard GGMLType.dequantizable.contains(tensor.type) else {
            throw GGUFError(path: path, offset: tensor.infoOffset,
                            message: "tensor \(tensor.name) has type \(tensor.type), which cannot be converted to Float32 (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K)")
        }
        try withBytes(of: tensor) { raw in
            GGUFDequantize.run(tensor.type, from: raw, into: destination, count: tensor.elementCount)
        }
    }
}

/// What the parser found, before it becomes a `GGUFFile`.
struct GGUFLayout {
    var version: UInt32 = 0
    var metadata: [(key: String, value: GGUFValue)] = []
    var tensors: [GGUFFile.TensorInfo] = []
    var alignment = GGUFFile.defaultAlignment
    var dataOffset = 0
}
