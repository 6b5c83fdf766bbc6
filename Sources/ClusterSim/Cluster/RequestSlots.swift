/// The request table's storage: slots on 64-byte boundaries, `slotBytes` apart, so a request's
/// first 64 bytes (the fields every iteration reads) fill exactly one cache line. A `[Request]`
/// packs requests 144 bytes apart from wherever the allocator put the array, and three requests
/// in four then straddle two lines: at thousands of instances, where every request in a batch is
/// a cache miss per iteration, that was twice the misses.
///
/// A value with copy-on-write, as an array: a write to storage shared with a copy moves the
/// slots to storage of their own first (a what-if fork shares its cluster's until either side
/// writes). Unchecked `Sendable` for that reason: shared storage is never written.
public struct RequestSlots: RandomAccessCollection, @unchecked Sendable {
    /// Bytes from one slot to the next: a request rounded up to whole cache lines.
    static let slotBytes = (MemoryLayout<Request>.size + 63) / 64 * 64

    /// Owns the memory; the slots' address and count live in the value itself, so reaching a
    /// slot is one addition, as in an array.
    final class Buffer {
        let base: UnsafeMutableRawPointer

        init(capacity: Int) { base = .allocate(byteCount: capacity * RequestSlots.slotBytes, alignment: 64) }

        deinit { base.deallocate() }
    }

    private var buffer = Buffer(capacity: 0)
    private var base: UnsafeMutableRawPointer
    private var capacity = 0
    public private(set) var endIndex = 0

    public init() { base = buffer.base }

    public var startIndex: Int { 0 }

    @inline(__always)
    private func slot(_ i: Int) -> UnsafeMutablePointer<Request> {
        (base + i * RequestSlots.slotBytes).assumingMemoryBound(to: Request.self)
    }

    public subscript(i: Int) -> Request {
        _read {
            precondition(i >= 0 && i < endIndex, "request slot out of range")
            yield slot(i).pointee
        }
        _modify {
            precondition(i >= 0 && i < endIndex, "request slot out of range")
            if !isKnownUniquelyReferenced(&buffer) { reallocate(capacity: capacity) }
            yield &slot(i).pointee
        }
    }

    mutating func append(_ r: Request) {
        if endIndex == capacity {
            reallocate(capacity: Swift.max(16, 2 * capacity))
        } else if !isKnownUniquelyReferenced(&buffer) {
            reallocate(capacity: capacity)
        }
        (base + endIndex * RequestSlots.slotBytes).initializeMemory(as: Request.self, repeating: r, count: 1)
        endIndex += 1
    }

    /// Hints that slot `i`'s first cache line will be read soon (ignored outside the table).
    @inline(__always)
    func prefetch(_ i: Int) {
        guard i >= 0 && i < endIndex else { return }
        prefetchLines(UnsafeRawPointer(slot(i)), bytes: 64)
    }

    /// Moves the slots to memory of their own with room for `capacity`.
    private mutating func reallocate(capacity: Int) {
        let copy = Buffer(capacity: capacity)
        // A request is plain data (no references): a copy of its fields is the whole of it.
        for i in 0..<endIndex {
            (copy.base + i * RequestSlots.slotBytes).initializeMemory(
                as: Request.self, repeating: slot(i).pointee, count: 1)
        }
        buffer = copy
        base = copy.base
        self.capacity = capacity
    }
}
