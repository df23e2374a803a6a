/// Finds where top-level JSON values end without parsing them, so a JSON document can be
/// read element by element: the elements of a top-level array, or a sequence of top-level
/// values (one pretty-printed object, or several). It only tracks strings and bracket depth,
/// so malformed elements are still cut at the right place and fail later, one by one.
struct JSONBoundaryScanner {
    /// Next buffer index to examine.
    private(set) var scanned = 0
    private var mode: Mode = .undecided
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var elementStart: Int?
    private var elementIsScalar = false
    private var expectingSeparator = false

    private enum Mode { case undecided, array, values }

    private var baseDepth: Int { mode == .array ? 1 : 0 }

    mutating func resume(at index: Int) { scanned = index }

    /// Buffer indices moved down by `n` after the reader compacted its buffer.
    mutating func shift(by n: Int) {
        scanned -= n
        if let s = elementStart { elementStart = s - n }
    }

    /// The next complete element in `base[scanned..<end]`, or nil if more input is needed.
    mutating func nextElement(_ base: UnsafePointer<UInt8>, _ end: Int) -> Range<Int>? {
        while scanned < end {
            let b = base[scanned]
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == baseDepth, let s = elementStart {
                        scanned += 1
                        return complete(s..<scanned)
                    }
                }
                scanned += 1
                continue
            }
            switch b {
            case 0x20, 0x0A, 0x0D, 0x09:
                if depth == baseDepth, elementIsScalar, let s = elementStart {
                    let r = complete(s..<scanned)
                    scanned += 1
                    return r
                }
                scanned += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if mode == .undecided {
                    mode = b == UInt8(ascii: "[") ? .array : .values
                    if mode == .array { depth = 1; scanned += 1; continue }
                }
                if depth == baseDepth {
                    if elementIsScalar, let s = elementStart { return complete(s..<scanned) }
                    if elementStart == nil { begin(scalar: false) }
                }
                depth += 1
                scanned += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == baseDepth {
                    if mode == .array, b == UInt8(ascii: "]") {
                        // The top-level array closes; anything after it is read as further values.
                        let pending = elementStart.map { $0..<scanned }
                        mode = .values
                        depth = 0
                        scanned += 1
                        if let pending { return complete(pending) }
                        expectingSeparator = false
                        continue
                    }
                    if elementStart == nil { begin(scalar: true) }  // stray closer: part of a bad element
                    scanned += 1
                    continue
                }
                depth -= 1
                scanned += 1
                if depth == baseDepth, let s = elementStart { return complete(s..<scanned) }
            case UInt8(ascii: ","):
                if depth == baseDepth {
                    if let s = elementStart {
                        let r = complete(s..<scanned)
                        scanned += 1
                        expectingSeparator = false
                        return r
                    }
                    if expectingSeparator {
                        expectingSeparator = false
                        scanned += 1
                        continue
                    }
                    // An empty element (`[1,,2]`): hand the comma over as a record to reject.
                    scanned += 1
                    return complete((scanned - 1)..<scanned)
                }
                scanned += 1
            case UInt8(ascii: "\""):
                if mode == .undecided { mode = .values }
                if depth == baseDepth, elementStart == nil { begin(scalar: false) }
                inString = true
                scanned += 1
            default:
                if mode == .undecided { mode = .values }
                if depth == baseDepth, elementStart == nil { begin(scalar: true) }
                scanned += 1
            }
        }
        return nil
    }

    /// At end of input: the element still open, if any (truncated, or a final scalar).
    func unterminatedElement(_ end: Int) -> Range<Int>? {
        guard let s = elementStart, s < end else { return nil }
        return s..<end
    }

    private mutating func begin(scalar: Bool) {
        elementStart = scanned
        elementIsScalar = scalar
    }

    private mutating func complete(_ r: Range<Int>) -> Range<Int> {
        elementStart = nil
        elementIsScalar = false
        expectingSeparator = mode == .array
        return r
    }
}
