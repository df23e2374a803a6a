import Foundation

/// Cuts a byte stream into raw records without parsing them: JSON Lines (one record per
/// line) or a JSON document (the elements of a top-level array, or a sequence of top-level
/// values). Memory is bounded by `maxRecordBytes`: a longer record is reported as
/// oversized with an excerpt and skipped, never buffered whole.
final class RecordReader {
    enum Mode { case lines, jsonDocument }

    static let defaultMaxRecordBytes = 256 << 20

    private let stream: ByteStream
    private let mode: Mode
    private let maxRecordBytes: Int
    private let excerptBytes = 240
    private var buffer: [UInt8]
    /// Unconsumed bytes are buffer[start..<end]; buffer[0] is at `bufferOffset` in the stream.
    private var start = 0
    private var end = 0
    private var bufferOffset: Int64 = 0
    private var eof = false
    private var nextPosition: Int
    private var scanner = JSONBoundaryScanner()
    /// While skipping an oversized record: where it began and its excerpt.
    private var skipping: (offset: Int64, excerpt: [UInt8])?
    private var sawBOM = false

    init(stream: ByteStream, mode: Mode, maxRecordBytes: Int = RecordReader.defaultMaxRecordBytes, chunkBytes: Int = 4 << 20) {
        self.stream = stream
        self.mode = mode
        self.maxRecordBytes = maxRecordBytes
        self.buffer = [UInt8](repeating: 0, count: max(chunkBytes, 64))
        self.nextPosition = mode == .lines ? 1 : 0
    }

    var compressedBytesRead: Int64 { stream.compressedBytesRead }

    /// The next batch of records, or nil at the end of the input.
    func nextBatch() throws -> RecordBatch? {
        while true {
            var spans: [RecordSpan] = []
            var cut = start
            switch mode {
            case .lines: cut = cutLines(into: &spans)
            case .jsonDocument: cut = cutValues(into: &spans)
            }
            if !spans.isEmpty {
                let batch = makeBatch(spans: spans, from: start, to: cut)
                start = cut
                return batch
            }
            if eof {
                return try finalBatch()
            }
            try refill()
        }
    }

    // MARK: - Cutting

    private func cutLines(into spans: inout [RecordSpan]) -> Int {
        var lineStart = start
        var cut = start
        buffer.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress!
            var scan = lineStart
            while scan < end, let nl = memchr(base + scan, 0x0A, end - scan) {
                let nlIndex = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                if let skip = skipping {
                    // The oversized line ends here.
                    spans.append(oversizedSpan(skip, endingAt: bufferOffset + Int64(nlIndex)))
                    skipping = nil
                } else {
                    var stop = nlIndex
                    if stop > lineStart, base[stop - 1] == 0x0D { stop -= 1 }
                    appendLine(base: base, from: lineStart, to: stop, into: &spans)
                }
                nextPosition += 1
                lineStart = nlIndex + 1
                scan = lineStart
                cut = lineStart
            }
        }
        return cut
    }

    private func appendLine(base: UnsafePointer<UInt8>, from: Int, to: Int, into spans: inout [RecordSpan]) {
        var from = from
        if !sawBOM, bufferOffset + Int64(from) == 0, to - from >= 3, base[from] == 0xEF, base[from + 1] == 0xBB, base[from + 2] == 0xBF {
            from += 3
        }
        sawBOM = true
        // Blank lines are not records.
        var i = from
        while i < to, base[i] == 0x20 || base[i] == 0x09 || base[i] == 0x0D { i += 1 }
        guard i < to else { return }
        spans.append(RecordSpan(start: from, count: to - from, position: nextPosition, byteOffset: bufferOffset + Int64(from)))
    }

    private func cutValues(into spans: inout [RecordSpan]) -> Int {
        var cut = start
        buffer.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress!
            if !sawBOM, bufferOffset == 0, end - start >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF {
                start = 3; cut = 3
                scanner.resume(at: 3)
            }
            sawBOM = true
            while let element = scanner.nextElement(base, end) {
                if let skip = skipping {
                    spans.append(oversizedSpan(skip, endingAt: bufferOffset + Int64(element.upperBound)))
                    skipping = nil
                } else {
                    spans.append(RecordSpan(start: element.lowerBound, count: element.count, position: nextPosition,
                                            byteOffset: bufferOffset + Int64(element.lowerBound)))
                }
                nextPosition += 1
                cut = element.upperBound
            }
            if skipping != nil { cut = scanner.scanned }
        }
        return cut
    }

    private func oversizedSpan(_ skip: (offset: Int64, excerpt: [UInt8]), endingAt endOffset: Int64) -> RecordSpan {
        RecordSpan(start: 0, count: 0, position: nextPosition, byteOffset: skip.offset,
                   oversized: .init(length: endOffset - skip.offset, excerpt: String(decoding: skip.excerpt, as: UTF8.self)))
    }

    // MARK: - Buffer management

    private func refill() throws {
        let pending = end - start
        if pending >= maxRecordBytes && skipping == nil {
            // The current record is too long: remember an excerpt and drop its bytes.
            skipping = (bufferOffset + Int64(start), Array(buffer[start..<(start + excerptBytes)]))
        }
        if skipping != nil, mode == .lines {
            start = end  // nothing of an oversized line is kept
        }
        if skipping != nil, mode == .jsonDocument {
            start = max(start, scanner.scanned)
        }
        // Compact, then grow if a single record fills the buffer.
        if start > 0 {
            let remaining = end - start
            buffer.withUnsafeMutableBufferPointer { b in
                _ = memmove(b.baseAddress!, b.baseAddress! + start, remaining)
            }
            bufferOffset += Int64(start)
            scanner.shift(by: start)
            end = remaining
            start = 0
        }
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: min(buffer.count, maxRecordBytes)))
        }
        let n = try buffer.withUnsafeMutableBytes { raw in
            try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        if n == 0 { eof = true } else { end += n }
    }

    /// At end of input: a last line without a newline, or an unterminated JSON value.
    private func finalBatch() throws -> RecordBatch? {
        var spans: [RecordSpan] = []
        if let skip = skipping {
            spans.append(oversizedSpan(skip, endingAt: bufferOffset + Int64(end)))
            skipping = nil
            start = end
        } else if start < end {
            switch mode {
            case .lines:
                var stop = end
                if buffer[stop - 1] == 0x0D { stop -= 1 }
                buffer.withUnsafeBufferPointer { appendLine(base: $0.baseAddress!, from: start, to: stop, into: &spans) }
            case .jsonDocument:
                if let rest = scanner.unterminatedElement(end) {
                    spans.append(RecordSpan(start: rest.lowerBound, count: rest.count, position: nextPosition,
                                            byteOffset: bufferOffset + Int64(rest.lowerBound)))
                }
            }
            nextPosition += 1
        }
        guard !spans.isEmpty else { return nil }
        let batch = makeBatch(spans: spans, from: start, to: end)
        start = end
        return batch
    }

    private func makeBatch(spans: [RecordSpan], from: Int, to: Int) -> RecordBatch {
        let bytes = Array(buffer[from..<to])
        let rebased = spans.map { span -> RecordSpan in
            var s = span
            if s.oversized == nil { s.start -= from }
            return s
        }
        return RecordBatch(bytes: bytes, spans: rebased)
    }
}
