import Foundation
import JSON

/// A safetensors file read into memory (mapped): an 8-byte little-endian header length, a
/// JSON header `{name: {dtype, shape, data_offsets}, "__metadata__": {…}}`, then the tensor
/// bytes. Every header claim is checked against the file before any tensor is read.
public struct SafetensorsFile: Sendable {
    public enum DType: String, Sendable, CaseIterable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"
        case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

        public var byteSize: Int {
            switch self {
            case .f64, .i64, .u64: 8
            case .f32, .i32, .u32: 4
            case .f16, .bf16, .i16, .u16: 2
            case .i8, .u8, .bool, .f8e4m3, .f8e5m2: 1
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range within the data section (after the header).
        public let range: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The reference implementation refuses headers over 100 MB; so do we.
    public static let maximumHeaderBytes = 100_000_000

    public let path: String
    public let metadata: [String: String]
    /// In header order.
    public let entries: [Entry]
    private let bytes: Data
    private let dataStart: Int
    private let index: [String: Int]

    public init(contentsOf url: URL) throws(TrainError) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw .io("\(url.path): cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }

    public init(data: Data, path: String) throws(TrainError) {
        func fail(_ message: String) -> TrainError { .invalidSafetensors(path: path, message: message) }
        self.path = path
        bytes = data
        guard data.count >= 8 else { throw fail("file is \(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(Self.maximumHeaderBytes) else {
            throw fail("header length \(headerLength) exceeds the \(Self.maximumHeaderBytes)-byte limit")
        }
        guard 8 + Int(headerLength) <= data.count else {
            throw fail("header length \(headerLength) runs past the end of the \(data.count)-byte file")
        }
        dataStart = 8 + Int(headerLength)
        let parsed: Result<JSONValue, JSONError> = data.withUnsafeBytes { raw in
            Result { () throws(JSONError) in try JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[8..<(8 + Int(headerLength))])) }
        }
        let header: JSONValue
        switch parsed {
        case .success(let value): header = value
        case .failure(let error): throw fail("header JSON: \(error.message) at header byte \(error.offset)")
        }
        guard let object = header.objectValue else { throw fail("header is a JSON \(header.typeName), not an object") }

        let dataSize = data.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in object.pairs {
            if name == "__metadata__" {
                guard let m = value.objectValue else { throw fail("__metadata__ must be an object") }
                for (k, v) in m.pairs {
                    guard let s = v.stringValue else { throw fail("__metadata__.\(k) must be a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value.objectValue else { throw fail("tensor \"\(name)\": entry is not an object") }
            guard let dtypeName = info["dtype"]?.stringValue else { throw fail("tensor \"\(name)\": missing dtype") }
            guard let dtype = DType(rawValue: dtypeName) else { throw fail("tensor \"\(name)\": unknown dtype \(dtypeName)") }
            guard let shapeValues = info["shape"]?.arrayValue else { throw fail("tensor \"\(name)\": missing shape") }
            var shape: [Int] = []
            var count = 1
            for dim in shapeValues {
                guard let n = dim.intValue, n >= 0 else { throw fail("tensor \"\(name)\": shape holds \(JSONWriter.string(dim))") }
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow, product <= dataSize else { throw fail("tensor \"\(name)\": shape \(shapeValues.count)-d product is larger than the file") }
                count = product
                shape.append(n)
            }
            guard let offsets = info["data_offsets"]?.arrayValue, offsets.count == 2,
                  let begin = offsets[0].intValue, let end = offsets[1].intValue else {
                throw fail("tensor \"\(name)\": data_offsets must be two integers")
            }
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw fail("tensor \"\(name)\": data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data section")
            }
            guard end - begin == count * dtype.byteSize else {
                throw fail("tensor \"\(name)\": \(end - begin) bytes for shape \(shape) of \(dtypeName), expected \(count * dtype.byteSize)")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, range: begin..<end))
        }
        // The data section must be covered exactly, without holes or overlaps.
        var covered = 0
        for e in entries.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            guard e.range.lowerBound == covered else {
                throw fail("tensor \"\(e.name)\" starts at data byte \(e.range.lowerBound), expected \(covered) (hole or overlap)")
            }
            covered = e.range.upperBound
        }
        guard covered == dataSize else { throw fail("tensors cover \(covered) of the \(dataSize) data bytes") }
        self.metadata = metadata
        self.entries = entries
        index = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The tensor converted to Float32 (from F32, F16 or BF16).
    public func floats(_ name: String) throws(TrainError) -> [Float] {
        guard let e = entry(name) else { throw .invalidCheckpoint("\(path): no tensor named \"\(name)\"") }
        var out = [Float](repeating: 0, count: e.elementCount)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(TrainError) in try copyFloats(e, into: buffer.baseAddress!) }
        return out
    }

    /// Converts the tensor into `destination`, which must hold `entry.elementCount` floats.
    public func copyFloats(_ e: Entry, into destination: UnsafeMutablePointer<Float>) throws(TrainError) {
        let count = e.elementCount
        let start = dataStart + e.range.lowerBound
        switch e.dtype {
        case .f32:
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    destination[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
                }
            }
        case .bf16:
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))
                    destination[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            }
        case .f16:
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))
                    destination[i] = Self.halfToFloat(bits)
                }
            }
        default:
            throw .invalidCheckpoint("\(path): tensor \"\(e.name)\" has dtype \(e.dtype.rawValue); only F32, F16 and BF16 convert to Float32")
        }
    }

    /// IEEE 754 binary16 to binary32, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}

/// Writes Float32 safetensors files the way the reference library does: the JSON header is
/// padded with spaces to a multiple of 8 bytes so the tensor data is aligned.
public enum SafetensorsWriter {
    public struct Tensor {
        public let name: String
        public let shape: [Int]
        public let data: UnsafeBufferPointer<Float>
        public init(name: String, shape: [Int], data: UnsafeBufferPointer<Float>) {
            self.name = name
            self.shape = shape
            self.data = data
        }
    }

    /// Header bytes for `tensors` laid out in the given order.
    static func header(_ tensors: [Tensor], metadata: [String: String]) -> [UInt8] {
        var object = JSONObject()
        if !metadata.isEmpty {
            object["__metadata__"] = .object(JSONObject(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        }
        var offset = 0
        for t in tensors {
            let size = t.data.count * 4
            object[t.name] = .object(JSONObject([
                ("dtype", .string("F32")),
                ("shape", .array(t.shape.map { .int(Int64($0)) })),
                ("data_offsets", .array([.int(Int64(offset)), .int(Int64(offset + size))])),
            ]))
            offset += size
        }
        var bytes: [UInt8] = []
        JSONWriter.write(.object(object), into: &bytes)
        while bytes.count % 8 != 0 { bytes.append(UInt8(ascii: " ")) }
        return bytes
    }

    /// Writes the file at `url` (replacing it). Callers that need atomicity write into a
    /// temporary folder and rename it.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = ["format": "pt"], to url: URL) throws(TrainError) {
        for t in tensors where t.shape.reduce(1, *) != t.data.count {
            throw .invalidOption("tensor \(t.name): shape \(t.shape) does not match \(t.data.count) values")
        }
        let headerBytes = header(tensors, metadata: metadata)
        var length = UInt64(headerBytes.count).littleEndian
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw .io("\(url.path): cannot create file")
        }
        do {
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(bytes: &length, count: 8))
            try handle.write(contentsOf: Data(headerBytes))
            for t in tensors where t.data.count > 0 {
                // Float32 is stored little-endian, which is the machine order on every Swift Linux target.
                try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: t.data.baseAddress!),
                                                  count: t.data.count * 4, deallocator: .none))
            }
            try handle.synchronize()
        } catch {
            throw .io("\(url.path): write failed: \(error.localizedDescription)")
        }
    }
}
