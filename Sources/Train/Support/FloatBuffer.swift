/// A fixed-size Float32 buffer with a stable, 64-byte aligned address, zero-initialised.
///
/// Parameters, gradients, optimizer moments and activations all live in these: the hot loops
/// work on raw pointers (no copy-on-write, no bounds checks), and the owner frees the memory.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must not be negative")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    public subscript(index: Int) -> Float {
        get { precondition(index >= 0 && index < count, "FloatBuffer index out of range"); return pointer[index] }
        set { precondition(index >= 0 && index < count, "FloatBuffer index out of range"); pointer[index] = newValue }
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func slice(offset: Int, count sliceCount: Int) -> [Float] {
        precondition(offset >= 0 && sliceCount >= 0 && offset + sliceCount <= count, "FloatBuffer slice out of range")
        return Array(UnsafeBufferPointer(start: pointer + offset, count: sliceCount))
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer copy needs equal sizes")
        pointer.update(from: other.pointer, count: count)
    }
}
