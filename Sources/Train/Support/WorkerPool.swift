import COpenBLAS
import Dispatch

/// Splits work across cores. Matrix products run single-threaded inside OpenBLAS and are
/// split here by rows, so one pool of threads does all the work and OpenBLAS's own threads
/// never spin against ours.
public struct WorkerPool: Sendable {
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
        // Our workers call sgemm concurrently; each call must stay on its calling thread.
        openblas_set_num_threads(1)
    }

    /// Runs `body(worker, range)` over `count` items cut into at most `threads` contiguous
    /// ranges of at least `minimumChunk` items. `worker` is in `0..<threads` and unique per
    /// concurrent call, so it can index per-thread scratch memory.
    public func forRanges(_ count: Int, minimumChunk: Int = 1, _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(threads, max(1, count / max(1, minimumChunk)))
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

    /// Runs `body(worker, item)` for every item; items are dealt out in contiguous ranges.
    public func forEach(_ count: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
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
