import Testing
import Core
@testable import Store

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("how to cook t-bone in the oven", "2f3a746efd642d156e398b82b312289d87c07c4c3b14bf27dd6d93c5c7c8204f"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(SHA256.hex(of: input) == digest)
    }

    @Test func millionAs() {
        var h = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        #expect(h.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingEqualsOneShot() {
        let text = String(repeating: "pref streaming hash ✓ ", count: 97)
        var h = SHA256()
        var rest = Substring(text)
        var step = 1
        while !rest.isEmpty {
            let piece = rest.prefix(step)
            h.update(String(piece))
            rest = rest.dropFirst(piece.count)
            step = step % 70 + 3
        }
        #expect(h.finalizeHex() == SHA256.hex(of: text))
    }
}

@Suite struct PromptHashTests {
    func record(_ prompt: [Message]) -> CanonicalRecord {
        CanonicalRecord(kind: .preference, prompt: prompt, completions: [Completion(text: "a")])
    }

    @Test func spacingDifferencesGroupTogether() {
        let a = record([.user("How  do I\n\tboil an egg? ")])
        let b = record([.user(" How do I boil an egg?")])
        #expect(a.promptHash == b.promptHash)
    }

    @Test func rolesTurnsAndWordsStillMatter() {
        let base = record([.user("Hello there")])
        #expect(base.promptHash != record([.user("Hello  here")]).promptHash)
        #expect(base.promptHash != record([.system("Hello there")]).promptHash)
        #expect(base.promptHash != record([.user("Hello"), .user("there")]).promptHash)
        #expect(base.promptHash != record([.user("Hellothere")]).promptHash)
    }

    @Test func collapseIsExact() {
        var out: [UInt8] = []
        CanonicalRecord.collapseWhitespace("\n  a \t\r\n b  ", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a b")
    }
}
