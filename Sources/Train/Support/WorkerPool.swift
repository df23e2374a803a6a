import COpenBLAS
import Dispatch

/// Splits work across cores. Matrix products run single-threaded inside OpenBLAS and are
/// split here by rows, so one pool of threads does all the work and OpenBLAS's own threads
/// never spin against ours.
public struct WorkerPool: Sendable {
    public let threads: Int
    /// Work is cut into up to this many pieces (a few per thread), which the threads take as
    /// they come free: when another process takes a core for a while, the other thread picks
    /// up the slack instead of the whole step waiting for one late piece.
    public let slots: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
        slots = self.threads == 1 ? 1 : 4 * self.threads
        // Our workers call sgemm concurrently; each call must stay on its calling thread.
        openblas_set_num_threads(1)
    }

    /// Runs `body(slot, range)` over `count` items cut into at most `slots` contiguous ranges
    /// of at least `minimumChunk` items. `slot` is in `0..<slots` and unique per range, so it
    /// can index per-slot scratch memory; the cut depends only on `count` and `slots`, so
    /// per-slot partial sums add up in the same order on every run.
    public func forRanges(_ count: Int, minimumChunk: Int = 1, _ body: (_ slot: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(slots, max(1, count / max(1, minimumChunk)))
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedWork(body: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                work.body(chunk, start..<end)
            }
        }
    }

    /// Runs `body(slot, item)` for every item; items are dealt out in contiguous ranges.
    public func forEach(_ count: Int, _ body: (_ slot: Int, _ item: Int) -> Void) {
        forRanges(count) { worker, range in
            for item in range { body(worker, item) }
        }
    }
}

/// The kernels hand raw pointers to their workers; each worker writes a disjoint part of the
/// output (that is the contract of every `forRanges` caller), which the compiler cannot see.
private struct UncheckedWork: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
}
