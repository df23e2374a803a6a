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
    /// A non-number becomes NaN rather than vanishing, so a damaged golden fails the comparison
    /// instead of shifting every later value by one.
    var doubles: [Double] { arrayValue?.map { $0.doubleValue ?? .nan } ?? [] }
    var int32s: [Int32] { arrayValue?.compactMap { $0.intValue.map(Int32.init) } ?? [] }
}

/// The worst element of an element-wise comparison: its relative error (each element's error
/// relative to its own magnitude, floored at 1% of the largest finite magnitude in `expected`,
/// so values that are ~0 in a tensor of unit scale are not judged by an impossible relative
/// standard) and its index. A NaN on either side, or a non-finite value that the other side
/// does not equal exactly, is an infinite error: `abs(a - b) <= tol` is false for NaN, and a
/// comparison built on it must not let NaN slip through as "not worse".
func worstRelativeError(_ actual: [Float], _ expected: [Float]) -> (error: Double, index: Int) {
    guard actual.count == expected.count else { return (.infinity, 0) }
    let scale = expected.reduce(0.0) { $1.isFinite ? max($0, Double(abs($1))) : $0 }
    let floor = max(scale * 1e-2, 1e-12)
    var worst = 0.0, worstIndex = 0
    for i in 0..<actual.count {
        let a = Double(actual[i]), e = Double(expected[i])
        let error: Double
        if a.isNaN || e.isNaN {
            error = .infinity
        } else if a == e {
            error = 0  // also equal infinities
        } else if !a.isFinite || !e.isFinite {
            error = .infinity
        } else {
            error = abs(a - e) / max(abs(e), floor)
        }
        if error > worst { worst = error; worstIndex = i }
        if error == .infinity { break }
    }
    return (worst, worstIndex)
}

/// Element-wise comparison with a relative tolerance (see `worstRelativeError`). Reports the
/// worst element by name and index; any NaN fails.
@discardableResult
func expectClose(_ actual: [Float], _ expected: [Float], relative tolerance: Double, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation) -> Double {
    guard actual.count == expected.count else {
        Issue.record("\(label): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return .infinity
    }
    let (worst, i) = worstRelativeError(actual, expected)
    #expect(worst <= tolerance,
            "\(label): worst relative error \(worst) at [\(i)]: \(actual.isEmpty ? 0 : actual[i]) vs \(expected.isEmpty ? 0 : expected[i])",
            sourceLocation: sourceLocation)
    return worst
}
