import Foundation
import JSON
import Testing
@testable import Train

/// Paths and loaders for the committed golden files.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func url(_ relative: String) -> URL { packageRoot.appendingPathComponent(relative) }

    static func json(_ relative: String) throws -> JSONValue {
        let bytes = try [UInt8](Data(contentsOf: url(relative)))
        return try JSONParser.parse(bytes)
    }

    static func safetensors(_ relative: String) throws -> SafetensorsFile {
        try SafetensorsFile(contentsOf: url(relative))
    }
}

extension JSONValue {
    var doubles: [Double] { arrayValue?.compactMap(\.doubleValue) ?? [] }
    var int32s: [Int32] { arrayValue?.compactMap { $0.intValue.map(Int32.init) } ?? [] }
}

/// Element-wise comparison with a relative tolerance. Each element's error is taken relative
/// to its own magnitude, floored at 1% of the tensor's largest magnitude (so values that are
/// ~0 in a tensor of unit scale are not judged by an impossible relative standard). Reports
/// the worst element by name and index.
@discardableResult
func expectClose(_ actual: [Float], _ expected: [Float], relative tolerance: Double, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation) -> Double {
    guard actual.count == expected.count else {
        Issue.record("\(label): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return .infinity
    }
    let scale = expected.reduce(0) { max($0, Double(abs($1))) }
    let floor = max(scale * 1e-2, 1e-12)
    var worst = 0.0, worstIndex = 0
    for i in 0..<actual.count {
        let error = abs(Double(actual[i]) - Double(expected[i])) / max(abs(Double(expected[i])), floor)
        if !(error <= worst) { worst = error; worstIndex = i }
    }
    #expect(worst <= tolerance,
            "\(label): worst relative error \(worst) at [\(worstIndex)]: \(actual.isEmpty ? 0 : actual[worstIndex]) vs \(expected.isEmpty ? 0 : expected[worstIndex])",
            sourceLocation: sourceLocation)
    return worst
}
