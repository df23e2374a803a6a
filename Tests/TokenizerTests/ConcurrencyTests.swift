import Dispatch
import Foundation
import Testing
@testable import Tokenizer

/// One tokenizer, many threads: the same ids as a single thread.
@Suite struct ConcurrencyTests {
    @Test func concurrentEncodeMatchesSerial() throws {
        let tokenizer = try Fixtures.tokenizer("llama3")
        let lines = Array(try Fixtures.sampleLines().prefix(400))
        let serial = lines.map { tokenizer.encode($0) }
        #expect(tokenizer.encodeBatch(lines) == serial)
        let mismatches = UnsafeSendableCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for (i, line) in lines.enumerated() where (i + thread) % 2 == 0 {
                if tokenizer.encode(line) != serial[i] { mismatches.increment() }
            }
        }
        #expect(mismatches.value == 0)
    }
}

final class UnsafeSendableCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
