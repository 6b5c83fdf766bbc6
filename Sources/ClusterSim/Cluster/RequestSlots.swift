import CPrefetch

/// The request table's storage: slots on 64-byte boundaries, `slotBytes` apart, so a request's
/// first 64 bytes (the fields every iteration reads) fill exactly one cache line. A `[Request]`
/// packs requests 144 bytes apart from wherever the allocator put the array, and three requests
/// in four then straddle two lines: at thousands of instances, where every request in a batch is
/// a cache miss per iteration, that was twice the misses.
///
/// A value with copy-on-write, as an array: `RequestTable` copies the storage before writing to
/// storage it shares (a what-if fork shares its cluster's until either side writes).
public struct RequestSlots: RandomAccessCollection, Sendable {
    /// Bytes from one slot to the next: a request rounded up to whole cache lines.
    static let slotBytes = (MemoryLayout<Request>.size + 63) / 64 * 64

    final class Buffer: @unchecked Sendable {
        // Unchecked: written only through a uniquely referenced buffer (`RequestSlots.makeUnique`).
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(byteCount: capacity * RequestSlots.slotBytes, alignment: 64)
        }

        /// A copy with room for `capacity` slots.
        func copy(capacity: Int) -> Buffer {
            let copy = Buffer(capacity: capacity)
            // A request is plain data (no references): its bytes are the whole of it.
            for i in 0..<count { copy.slot(i).initialize(to: slot(i).pointee) }
            copy.count = count
            return copy
        }

        @inline(__always)
        func slot(_ i: Int) -> UnsafeMutablePointer<Request> {
            (base + i * RequestSlots.slotBytes).assumingMemoryBound(to: Request.self)
        }

        deinit { base.deallocate() }
    }

    private var buffer = Buffer(capacity: 0)

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.count }

    public subscript(i: Int) -> Request {
        _read {
            precondition(i >= 0 && i < buffer.count, "request slot out of range")
            yield buffer.slot(i).pointee
        }
        _modify {
            precondition(i >= 0 && i < buffer.count, "request slot out of range")
            makeUnique(capacity: buffer.capacity)
            yield &buffer.slot(i).pointee
        }
    }

    mutating func append(_ r: Request) {
        let count = buffer.count
        makeUnique(capacity: count < buffer.capacity ? buffer.capacity : Swift.max(16, 2 * buffer.capacity))
        (buffer.base + count * RequestSlots.slotBytes).initializeMemory(as: Request.self, repeating: r, count: 1)
        buffer.count += 1
    }

    /// Hints that slot `i`'s first cache line will be read soon (ignored outside the table).
    @inline(__always)
    func prefetch(_ i: Int) {
        guard i >= 0 && i < buffer.count else { return }
        clustertop_prefetch(UnsafeRawPointer(buffer.slot(i)))
    }

    @inline(__always)
    private mutating func makeUnique(capacity: Int) {
        if !isKnownUniquelyReferenced(&buffer) || capacity != buffer.capacity {
            buffer = buffer.copy(capacity: capacity)
        }
    }
}
