import Foundation
import Testing
@testable import Train

@Suite struct SafetensorsTests {
    /// Values written by Python `safetensors` as F32, F16 and BF16 read back as the F32 values
    /// torch itself converts them to.
    @Test func readsFloat32Float16AndBFloat16WrittenByPython() throws {
        let file = try Fixtures.safetensors("fixtures/model/dtypes.safetensors")
        #expect(file.metadata["format"] == "pt")
        #expect(file.entry("f16")?.dtype == .f16)
        #expect(file.entry("bf16")?.dtype == .bf16)
        #expect(file.entry("matrix")?.shape == [2, 3])
        #expect(try file.floats("matrix") == [0, 1, 2, 3, 4, 5])
        let f16 = try file.floats("f16"), expected16 = try file.floats("f16_as_f32")
        let bf16 = try file.floats("bf16"), expectedBF = try file.floats("bf16_as_f32")
        #expect(f16.map(\.bitPattern) == expected16.map(\.bitPattern))
        #expect(bf16.map(\.bitPattern) == expectedBF.map(\.bitPattern))
        #expect(try file.floats("f32")[4] == Float(3.14159))
    }

    @Test func writeThenReadRoundTripsWithAlignedHeader() throws {
        let a: [Float] = [1, -2, 3.5, .infinity, -0.0, 1e-30]
        let b: [Float] = (0..<7).map { Float($0) * 0.25 }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try SafetensorsWriter.write([.init(name: "a", shape: [2, 3], data: pa), .init(name: "z.b", shape: [7], data: pb)],
                                            metadata: ["format": "pt", "step": "3"], to: url)
            }
        }
        let bytes = try Data(contentsOf: url)
        let headerLength = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + Int(headerLength) + 4 * (a.count + b.count))
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.metadata == ["format": "pt", "step": "3"])
        #expect(file.entries.map(\.name) == ["a", "z.b"])
        #expect(try file.floats("a").map(\.bitPattern) == a.map(\.bitPattern))
        #expect(try file.floats("z.b") == b)
    }

    static func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        var length = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        var d = Data(bytes: &length, count: 8)
        d.append(contentsOf: Array(header.utf8))
        d.append(contentsOf: data)
        return d
    }

    static let malformed: [(String, Data)] = [
        ("shorter than 8 bytes", Data([1, 2, 3])),
        ("header length past the end", file(header: "{}", declaredLength: 1000)),
        ("header length over the limit", file(header: "{}", declaredLength: UInt64.max)),
        ("header not JSON", file(header: "{\"a\": ")),
        ("header not an object", file(header: "[1,2]")),
        ("unknown dtype", file(header: #"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("negative dimension", file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("offsets past the data", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0])),
        ("size does not match shape", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("hole before a tensor", file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))),
        ("uncovered trailing bytes", file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](repeating: 0, count: 8))),
        ("overlapping tensors", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                                     data: [UInt8](repeating: 0, count: 8))),
        ("overflowing shape", file(header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("metadata value not a string", file(header: #"{"__metadata__":{"step":3}}"#)),
    ]

    @Test(arguments: malformed.map(\.0))
    func rejectsMalformedFilesWithAnError(name: String) {
        let data = Self.malformed.first { $0.0 == name }!.1
        #expect(throws: TrainError.self, "\(name)") { try SafetensorsFile(data: data, path: "crafted") }
    }

    @Test func errorMessagesNameTheFileAndTheTensor() {
        let data = Self.file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0])
        do {
            _ = try SafetensorsFile(data: data, path: "/x/model.safetensors")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/x/model.safetensors"))
            #expect(error.description.contains("\"w\""))
        }
    }

    @Test func halfPrecisionConversionIsExact() {
        #expect(SafetensorsFile.halfToFloat(0x3C00) == 1)
        #expect(SafetensorsFile.halfToFloat(0xC000) == -2)
        #expect(SafetensorsFile.halfToFloat(0x0001) == 0x1p-24)
        #expect(SafetensorsFile.halfToFloat(0x7BFF) == 65504)
        #expect(SafetensorsFile.halfToFloat(0x7C00) == .infinity)
        #expect(SafetensorsFile.halfToFloat(0x7E00).isNaN)
        #expect(SafetensorsFile.halfToFloat(0x8000).sign == .minus)
    }
}
