/// One instruction of a compiled regex (see `RegexProgram`).
struct RegexInstruction: Sendable {
    enum Op: UInt8, Sendable {
        /// Consume one scalar in set `set`.
        case scalar
        /// `set{a,b}` (b < 0: unbounded) with quantifier `kind`; runs of one set are the hot loops,
        /// so they backtrack by stepping back a scalar instead of one frame per scalar.
        case run
        /// Go on at `a`; on failure, resume at `b` (leftmost-first: `a` is the preferred branch).
        case split
        case jump
        /// Zero-width: the next scalar is (not, when `kind` is negative) in `set`; at the end of
        /// the text, only the negative form holds.
        case peek
        /// Zero-width: program `a` matches here (negated when `kind` is negative).
        case lookahead
        /// Program `a` matches here, its first way only.
        case atomic
        case match
    }

    var op: Op
    var set: UInt8 = 0
    var kind: RegexNode.Quantifier = .greedy
    var negative = false
    var a: Int32 = 0
    var b: Int32 = 0
}

/// A regex compiled for `CompiledRegex`: programs (0 is the whole pattern; lookaheads and
/// atomic groups are programs of their own), the scalar sets the programs name, and the sets a
/// match can start with.
struct RegexProgram {
    var programs: [[RegexInstruction]] = []
    var sets: [ScalarSet] = []
    var firstSets: UInt64 = 0

    /// Copies of a bounded repetition's body beyond which the pattern is left to the general engine.
    private static let maxCopies = 64
    private static let maxInstructions = 20_000

    init?(_ node: RegexNode) {
        guard !node.matchesEmpty else { return nil }  // empty matches need Oniguruma's iteration rules
        programs.append([])
        guard var main = compile(node) else { return nil }
        main.append(RegexInstruction(op: .match))
        programs[0] = main
        guard let first = firstSets(node), sets.count <= 64 else { return nil }
        firstSets = first
    }

    private mutating func setIndex(_ set: ScalarSet) -> UInt8 {
        if let k = sets.firstIndex(of: set) { return UInt8(truncatingIfNeeded: k) }
        sets.append(set)
        return UInt8(truncatingIfNeeded: sets.count - 1)
    }

    private mutating func subprogram(_ node: RegexNode) -> Int32? {
        let index = programs.count
        programs.append([])
        guard var code = compile(node) else { return nil }
        code.append(RegexInstruction(op: .match))
        programs[index] = code
        return Int32(index)
    }

    private mutating func compile(_ node: RegexNode) -> [RegexInstruction]? {
        var code: [RegexInstruction] = []
        guard emit(node, into: &code), code.count < Self.maxInstructions else { return nil }
        return code
    }

    private mutating func emit(_ node: RegexNode, into code: inout [RegexInstruction]) -> Bool {
        guard code.count < Self.maxInstructions else { return false }
        switch node {
        case .set(let set):
            code.append(RegexInstruction(op: .scalar, set: setIndex(set)))
        case .concat(let items):
            for item in items { guard emit(item, into: &code) else { return false } }
        case .alternation(let branches):
            var exits: [Int] = []
            for (k, branch) in branches.enumerated() {
                let split = code.count
                if k < branches.count - 1 { code.append(RegexInstruction(op: .split)) }
                guard emit(branch, into: &code) else { return false }
                if k < branches.count - 1 {
                    exits.append(code.count)
                    code.append(RegexInstruction(op: .jump))
                    code[split].a = Int32(split + 1)
                    code[split].b = Int32(code.count)
                }
            }
            for exit in exits { code[exit].a = Int32(code.count) }
        case .repetition(let body, let min, let max, let kind):
            if case .set(let set) = body {
                code.append(RegexInstruction(op: .run, set: setIndex(set), kind: kind, a: Int32(min), b: Int32(max ?? -1)))
            } else if kind == .possessive {
                guard let sub = subprogram(.repetition(body, min: min, max: max, .greedy)) else { return false }
                code.append(RegexInstruction(op: .atomic, a: sub))
            } else {
                guard min <= Self.maxCopies, (max ?? min) - min <= Self.maxCopies else { return false }
                for _ in 0..<min { guard emit(body, into: &code) else { return false } }
                if let max {
                    // (body (body ...)?)? — each optional copy may be skipped to the very end.
                    var splits: [Int] = []
                    for _ in min..<max {
                        splits.append(code.count)
                        code.append(RegexInstruction(op: .split))
                        guard emit(body, into: &code) else { return false }
                    }
                    for s in splits { branch(&code[s], body: s + 1, skip: code.count, kind) }
                } else {
                    let loop = code.count
                    code.append(RegexInstruction(op: .split))
                    guard emit(body, into: &code) else { return false }
                    code.append(RegexInstruction(op: .jump, a: Int32(loop)))
                    branch(&code[loop], body: loop + 1, skip: code.count, kind)
                }
            }
        case .lookahead(let body, let negative):
            if case .set(let set) = body {
                code.append(RegexInstruction(op: .peek, set: setIndex(set), negative: negative))
            } else {
                guard let sub = subprogram(body) else { return false }
                code.append(RegexInstruction(op: .lookahead, negative: negative, a: sub))
            }
        case .atomic(let body):
            guard let sub = subprogram(body) else { return false }
            code.append(RegexInstruction(op: .atomic, a: sub))
        }
        return true
    }

    /// A greedy split prefers another copy of the body; a lazy one prefers to stop.
    private func branch(_ split: inout RegexInstruction, body: Int, skip: Int, _ kind: RegexNode.Quantifier) {
        (split.a, split.b) = kind == .lazy ? (Int32(skip), Int32(body)) : (Int32(body), Int32(skip))
    }

    /// The sets the first scalar of a match can be in (nil when they cannot be told).
    private mutating func firstSets(_ node: RegexNode) -> UInt64? {
        switch node {
        case .set(let set):
            return 1 << UInt64(setIndex(set))
        case .concat(let items):
            var mask: UInt64 = 0
            for item in items {
                guard let m = firstSets(item) else { return nil }
                mask |= m
                if !item.matchesEmpty { return mask }
            }
            return mask
        case .alternation(let branches):
            var mask: UInt64 = 0
            for branch in branches {
                guard let m = firstSets(branch) else { return nil }
                mask |= m
            }
            return mask
        case .repetition(let body, _, _, _), .atomic(let body):
            return firstSets(body)
        case .lookahead:
            return 0  // zero-width: the scalars after it decide
        }
    }
}
