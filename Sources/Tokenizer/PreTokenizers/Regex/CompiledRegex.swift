/// A `Split` regex compiled at load time: a backtracking matcher with Oniguruma's leftmost-first
/// semantics (alternatives in order, greedy / lazy / possessive quantifiers, atomic groups,
/// lookahead) over UTF-8, whose scalar sets are bit masks (`ClassMasks`). Single-set repetitions,
/// the bulk of every pre-tokenizer pattern, are tight loops. `init` returns nil for what
/// `RegexParser` or `RegexProgram` leave to the general engine.
struct CompiledRegex: Sendable {
    private let programs: [[RegexInstruction]]
    private let masks: ClassMasks
    private let firstSets: UInt64
    let pattern: String

    init?(pattern: String) {
        guard let node = RegexParser.parse(pattern), let program = RegexProgram(node),
              let masks = ClassMasks(program.sets) else { return nil }
        programs = program.programs
        self.masks = masks
        firstSets = program.firstSets
        self.pattern = pattern
    }

    /// Calls `body` with each successive non-overlapping match of `text[0..<end]` (valid UTF-8),
    /// found as Oniguruma's search does: the leftmost start, the first way to match there.
    /// Matches are never empty (`RegexProgram` refuses patterns that match empty).
    @inline(__always)
    func forEachMatch(_ p: UnsafePointer<UInt8>, _ end: Int, _ body: (Range<Int>) -> Void) {
        var stack = BacktrackStack()
        defer { stack.release() }
        var i = 0
        while i < end {
            let (m, n) = masks.mask(p, i)
            if m & firstSets != 0, let e = run(0, p, i, end, &stack) {
                body(i..<e)
                i = e
            } else {
                i += n
            }
        }
    }

    /// Byte ranges of the successive matches.
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        guard let p = text.baseAddress else { return out }
        forEachMatch(p, text.count) { out.append($0) }
        return out
    }

    /// End of the first match of program `program` at `start`, or nil. Uses the stack above its
    /// current top and leaves it as it found it.
    private func run(_ program: Int, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                     _ stack: inout BacktrackStack) -> Int? {
        let base = stack.count
        return programs[program].withUnsafeBufferPointer { code -> Int? in
            var pc = 0
            var pos = start
            while true {
                let inst = code[pc]
                var ok = true
                switch inst.op {
                case .scalar:
                    if pos < end {
                        let (m, n) = masks.mask(p, pos)
                        if m & (1 << UInt64(inst.set)) != 0 { pos += n; pc += 1 } else { ok = false }
                    } else {
                        ok = false
                    }
                case .run:
                    ok = enterRun(inst, pc, p, &pos, end, &stack)
                    if ok { pc += 1 }
                case .split:
                    stack.push(BacktrackFrame(kind: .resume, pc: Int(inst.b), pos: pos))
                    pc = Int(inst.a)
                case .jump:
                    pc = Int(inst.a)
                case .peek:
                    var inSet = false
                    if pos < end { inSet = masks.mask(p, pos).0 & (1 << UInt64(inst.set)) != 0 }
                    ok = inSet != inst.negative
                    pc += 1
                case .lookahead:
                    ok = (run(Int(inst.a), p, pos, end, &stack) != nil) != inst.negative
                    pc += 1
                case .atomic:
                    if let e = run(Int(inst.a), p, pos, end, &stack) { pos = e; pc += 1 } else { ok = false }
                case .match:
                    stack.count = base
                    return pos
                }
                if ok { continue }
                // Backtrack to the most recent choice of this run.
                var resumed = false
                while !resumed {
                    guard stack.count > base else { return nil }
                    let frame = stack.pop()
                    switch frame.kind {
                    case .resume:
                        (pc, pos) = (frame.pc, frame.pos)
                        resumed = true
                    case .greedyRun:
                        // Give back one scalar; `aux` is where the run's minimum ends.
                        var q = frame.pos - 1
                        while p[q] & 0xC0 == 0x80 { q -= 1 }
                        if q > frame.aux { stack.push(BacktrackFrame(kind: .greedyRun, pc: frame.pc, pos: q, aux: frame.aux)) }
                        (pc, pos) = (frame.pc + 1, q)
                        resumed = true
                    case .lazyRun:
                        // Take one more scalar; `aux` counts those taken.
                        let inst = code[frame.pc]
                        guard frame.pos < end else { continue }
                        let (m, n) = masks.mask(p, frame.pos)
                        guard m & (1 << UInt64(inst.set)) != 0 else { continue }
                        let count = frame.aux + 1
                        if inst.b < 0 || count < Int(inst.b) {
                            stack.push(BacktrackFrame(kind: .lazyRun, pc: frame.pc, pos: frame.pos + n, aux: count))
                        }
                        (pc, pos) = (frame.pc + 1, frame.pos + n)
                        resumed = true
                    }
                }
            }
        }
    }

    /// `set{min,max}` at `pos`: takes the scalars its quantifier takes first and records how to
    /// take fewer (greedy) or more (lazy) on backtracking; possessive runs record nothing.
    @inline(__always)
    private func enterRun(_ inst: RegexInstruction, _ pc: Int, _ p: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int,
                          _ stack: inout BacktrackStack) -> Bool {
        let bit: UInt64 = 1 << UInt64(inst.set)
        let min = Int(inst.a)
        let max = inst.b < 0 ? Int.max : Int(inst.b)
        let limit = inst.kind == .lazy ? min : max
        var j = pos
        var count = 0
        var minEnd = pos
        while count < limit && j < end {
            let (m, n) = masks.mask(p, j)
            if m & bit == 0 { break }
            j += n
            count += 1
            if count == min { minEnd = j }
        }
        if count < min { return false }
        switch inst.kind {
        case .greedy:
            if j > minEnd { stack.push(BacktrackFrame(kind: .greedyRun, pc: pc, pos: j, aux: minEnd)) }
        case .lazy:
            if count < max { stack.push(BacktrackFrame(kind: .lazyRun, pc: pc, pos: j, aux: count)) }
        case .possessive:
            break
        }
        pos = j
        return true
    }
}

struct BacktrackFrame {
    enum Kind: UInt8 { case resume, greedyRun, lazyRun }
    var kind: Kind
    var pc: Int
    var pos: Int
    var aux: Int = 0
}

/// The choices a match can go back to; one per `forEachMatch` call, grown by doubling.
struct BacktrackStack {
    private var frames = UnsafeMutablePointer<BacktrackFrame>.allocate(capacity: 64)
    private var capacity = 64
    var count = 0

    @inline(__always)
    mutating func push(_ frame: BacktrackFrame) {
        if count == capacity {
            let grown = UnsafeMutablePointer<BacktrackFrame>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: frames, count: count)
            frames.deallocate()
            frames = grown
            capacity *= 2
        }
        (frames + count).initialize(to: frame)
        count += 1
    }

    @inline(__always)
    mutating func pop() -> BacktrackFrame {
        count -= 1
        return frames[count]
    }

    func release() {
        frames.deallocate()
    }
}
