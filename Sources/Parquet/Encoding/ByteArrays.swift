/// Variable-length values stored back to back, with n+1 offsets.
struct ByteArrays {
    var storage: [UInt8] = []
    var offsets: [Int] = [0]

    init(capacity: Int = 0, byteCapacity: Int = 0) {
        storage.reserveCapacity(byteCapacity)
        offsets.reserveCapacity(capacity + 1)
    }

    var count: Int { offsets.count - 1 }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
    }

    func withValue<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[offsets[i]..<offsets[i + 1]])) }
    }
}
