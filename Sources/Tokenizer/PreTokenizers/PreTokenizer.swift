import JSON

/// HF's `SplitDelimiterBehavior`: what becomes of the matched part when a piece is split.
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}

/// What a `Split` step looks for.
enum Splitter: Sendable {
    /// A known regex, scanned by hand (every position matches).
    case scanner(PatternScanner)
    /// Any other regex in the syntax `RegexParser` knows, compiled at load time.
    case compiled(CompiledRegex)
    /// Any other regex: Swift's engine.
    case regex(RegexMatcher)
    /// A `Split` with a plain string pattern.
    case literal([UInt8])
    /// `Digits`: each `char::is_numeric` character is a match of its own.
    case numeric
}

/// One step of a compiled pre-tokenizer; a `Sequence` is the concatenation of its members'
/// steps, since HF applies each member to every piece the previous one produced.
enum PreTokenizeStep: Sendable {
    /// ByteLevel's `add_prefix_space`: a piece that does not start with a space gets one.
    case prefixSpace
    case split(Splitter, SplitBehavior, invert: Bool)
    /// SentencePiece's spaces-to-`▁` (with its prepend and optional split).
    case metaspace(Metaspace)
}

/// The pre-tokenizer of a tokenizer.json, compiled into steps over UTF-8 bytes.
struct PreTokenizer: Sendable {
    let steps: [PreTokenizeStep]
    /// Whether a ByteLevel step maps the pieces to GPT-2's byte alphabet (then the model's
    /// units are bytes; otherwise they are characters).
    let byteLevel: Bool
    /// Set when the steps are one scanner split, isolated (GPT-2's ByteLevel, or Llama 3's /
    /// Qwen2's Split before ByteLevel): `run` then loops over the scanner directly.
    private let singleScanner: PatternScanner?

    static let supportedTypes = ["ByteLevel", "Metaspace", "Split", "Digits", "Sequence"]

    init(steps: [PreTokenizeStep], byteLevel: Bool) {
        self.steps = steps
        self.byteLevel = byteLevel
        singleScanner = Self.singleScanner(steps)
    }

    private static func singleScanner(_ steps: [PreTokenizeStep]) -> PatternScanner? {
        guard steps.count == 1, case .split(.scanner(let scanner), .isolated, invert: false) = steps[0] else { return nil }
        return scanner
    }

    /// Compiles the `pre_tokenizer` section (nil or JSON null: no pre-tokenization).
    init(json: JSONValue?, path: String = "pre_tokenizer") throws(TokenizerError) {
        var steps: [PreTokenizeStep] = []
        var byteLevel = false
        if let json, !json.isNull {
            try Self.compile(json, path: path, into: &steps, byteLevel: &byteLevel)
        }
        self.steps = steps
        self.byteLevel = byteLevel
        singleScanner = Self.singleScanner(steps)
    }

    private static func compile(_ json: JSONValue, path: String, into steps: inout [PreTokenizeStep],
                                byteLevel: inout Bool) throws(TokenizerError) {
        guard let type = json["type"]?.stringValue else {
            throw .invalid(path, "expected an object with a \"type\"")
        }
        if byteLevel {
            // After ByteLevel, pieces are in the byte alphabet; HF would run later steps on
            // those characters. No real tokenizer does this, so it is refused rather than guessed.
            throw .invalid(path, "a \(type) pre-tokenizer after ByteLevel is not supported")
        }
        switch type {
        case "Sequence":
            for member in try sequenceMembers(json, key: "pretokenizers", path: path) {
                try compile(member.json, path: member.path, into: &steps, byteLevel: &byteLevel)
            }
        case "ByteLevel":
            if json["add_prefix_space"]?.boolValue ?? true { steps.append(.prefixSpace) }
            if json["use_regex"]?.boolValue ?? true {
                steps.append(.split(.scanner(PatternScanner(.gpt2)), .isolated, invert: false))
            }
            byteLevel = true
        case "Digits":
            let individual = json["individual_digits"]?.boolValue ?? false
            steps.append(.split(.numeric, individual ? .isolated : .contiguous, invert: false))
        case "Metaspace":
            steps.append(.metaspace(try Metaspace(json: json, path: path)))
        case "Split":
            let splitter: Splitter
            if let regex = json["pattern"]?["Regex"]?.stringValue {
                if let scanner = PatternScanner.forPattern(regex) {
                    splitter = .scanner(scanner)
                } else if let compiled = CompiledRegex(pattern: regex) {
                    splitter = .compiled(compiled)
                } else {
                    splitter = .regex(try RegexMatcher(pattern: regex))
                }
            } else if let literal = json["pattern"]?["String"]?.stringValue {
                splitter = .literal(Array(literal.utf8))
            } else {
                throw .invalid("\(path).pattern", "expected {\"Regex\": ...} or {\"String\": ...}")
            }
            guard let name = json["behavior"]?.stringValue, let behavior = SplitBehavior(rawValue: name) else {
                throw .invalid("\(path).behavior", "expected one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous")
            }
            steps.append(.split(splitter, behavior, invert: json["invert"]?.boolValue ?? false))
        default:
            throw .unsupported(path, "pre-tokenizer type \"\(type)\"", supported: supportedTypes)
        }
    }

    /// Calls `emit` with each final piece of `text`, in order. Pieces are never empty.
    /// `atStart`: `text` begins at offset 0 of the original text (HF's `offsets_original().0 == 0`,
    /// which Metaspace's prepend_scheme "first" asks); text after an added token does not.
    @inline(__always)
    func run(_ text: UnsafeBufferPointer<UInt8>, atStart: Bool = true, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let p = text.baseAddress, !text.isEmpty else { return }
        if let scanner = singleScanner {
            var i = 0
            while i < text.count {
                let e = scanner.matchEnd(p, i, text.count)
                emit(UnsafeBufferPointer(start: p + i, count: e - i))
                i = e
            }
            return
        }
        run(step: 0, text, atStart: atStart, emit)
    }

    private func run(step: Int, _ piece: UnsafeBufferPointer<UInt8>, atStart: Bool,
                     _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard step < steps.count else { return emit(piece) }
        switch steps[step] {
        case .prefixSpace:
            if piece[0] == 0x20 { return run(step: step + 1, piece, atStart: atStart, emit) }
            var spaced = [UInt8](repeating: 0x20, count: piece.count + 1)
            spaced.withUnsafeMutableBufferPointer { buffer in
                _ = UnsafeMutableBufferPointer(rebasing: buffer[1...]).initialize(from: piece)
                run(step: step + 1, UnsafeBufferPointer(buffer), atStart: atStart, emit)
            }
        case .split(.scanner(let scanner), .isolated, invert: false):
            // The hot path: a scanner partitions the piece, every match is a piece.
            let p = piece.baseAddress!
            var i = 0
            while i < piece.count {
                let e = scanner.matchEnd(p, i, piece.count)
                run(step: step + 1, UnsafeBufferPointer(start: p + i, count: e - i), atStart: atStart && i == 0, emit)
                i = e
            }
        case .split(.compiled(let regex), .isolated, invert: false):
            // Matches and the gaps between them, in order, without building the list.
            let p = piece.baseAddress!
            var previous = 0
            regex.forEachMatch(p, piece.count) { match in
                if previous < match.lowerBound {
                    run(step: step + 1, UnsafeBufferPointer(start: p + previous, count: match.lowerBound - previous),
                        atStart: atStart && previous == 0, emit)
                }
                run(step: step + 1, UnsafeBufferPointer(start: p + match.lowerBound, count: match.count),
                    atStart: atStart && match.lowerBound == 0, emit)
                previous = match.upperBound
            }
            if previous < piece.count {
                run(step: step + 1, UnsafeBufferPointer(start: p + previous, count: piece.count - previous),
                    atStart: atStart && previous == 0, emit)
            }
        case .split(let splitter, let behavior, let invert):
            let parts = Self.split(piece, splitter, behavior, invert: invert)
            for part in parts where !part.isEmpty {
                run(step: step + 1, UnsafeBufferPointer(rebasing: piece[part]), atStart: atStart && part.lowerBound == 0, emit)
            }
        case .metaspace(let metaspace):
            let replaced = metaspace.apply(piece, atStart: atStart)
            replaced.withUnsafeBufferPointer { buffer in
                guard metaspace.split else { return run(step: step + 1, buffer, atStart: atStart, emit) }
                for part in Self.split(buffer, .literal(metaspace.replacementBytes), .mergedWithNext, invert: false) {
                    run(step: step + 1, UnsafeBufferPointer(rebasing: buffer[part]), atStart: atStart && part.lowerBound == 0, emit)
                }
            }
        }
    }

    /// HF's `NormalizedString::split`: the matches and the gaps between them, flagged, then
    /// folded according to the behaviour.
    static func split(_ piece: UnsafeBufferPointer<UInt8>, _ splitter: Splitter, _ behavior: SplitBehavior,
                      invert: Bool) -> [Range<Int>] {
        var flagged: [(Range<Int>, Bool)] = []
        var previous = 0
        func add(_ match: Range<Int>) {
            if previous != match.lowerBound { flagged.append((previous..<match.lowerBound, invert)) }
            flagged.append((match, !invert))
            previous = match.upperBound
        }
        let p = piece.baseAddress!
        switch splitter {
        case .scanner(let scanner):
            var i = 0
            while i < piece.count {
                let e = scanner.matchEnd(p, i, piece.count)
                add(i..<e)
                i = e
            }
        case .compiled(let regex):
            regex.forEachMatch(p, piece.count) { add($0) }
        case .regex(let regex):
            for match in regex.matches(in: piece) { add(match) }
        case .literal(let needle):
            guard !needle.isEmpty else { return [0..<piece.count] }
            for match in literalMatches(of: needle, in: piece) { add(match) }
        case .numeric:
            let classes = CharClassTable.shared
            var i = 0
            while i < piece.count {
                let (cp, n) = decodeScalar(p, i)
                if classes.classes(cp).contains(.numeric) { add(i..<(i + n)) }
                i += n
            }
        }
        if previous != piece.count { flagged.append((previous..<piece.count, invert)) }
        return fold(flagged, behavior)
    }

    private static func fold(_ flagged: [(Range<Int>, Bool)], _ behavior: SplitBehavior) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(flagged.count)
        switch behavior {
        case .isolated:
            for (range, _) in flagged { out.append(range) }
        case .removed:
            for (range, isMatch) in flagged where !isMatch { out.append(range) }
        case .contiguous:
            var previousMatch = false
            for (range, isMatch) in flagged {
                if isMatch == previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    out.append(range)
                }
                previousMatch = isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for (range, isMatch) in flagged {
                if isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    out.append(range)
                }
                previousMatch = isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for (range, isMatch) in flagged.reversed() {
                if isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = range.lowerBound..<last.upperBound
                } else {
                    out.append(range)
                }
                previousMatch = isMatch
            }
            out.reverse()
        }
        return out
    }
}
