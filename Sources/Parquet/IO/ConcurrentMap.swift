import Dispatch

/// `body(i)` for i in 0..<count, on all cores when `parallel`, results in order.
func concurrentMap<T>(_ count: Int, parallel: Bool, _ body: (Int) -> T) -> [T] {
    guard parallel, count > 1 else { return (0..<count).map(body) }
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer { slots.deinitialize().deallocate() }
    nonisolated(unsafe) let results = slots  // each iteration writes only its own slot
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: count) { results[$0] = body($0) }
    }
    return slots.map { $0! }
}
