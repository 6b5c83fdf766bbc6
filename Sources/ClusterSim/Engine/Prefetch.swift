import CPrefetch

/// Hints that the `bytes` bytes from `address` will be read soon: every cache line they touch
/// starts loading. A hint only (nothing observable changes, and no address can fault).
@inline(__always)
func prefetchLines(_ address: UnsafeRawPointer, bytes: Int) {
    let end = UInt(bitPattern: address) &+ UInt(bytes)
    var line = UInt(bitPattern: address) & ~63
    while line < end {
        clustertop_prefetch(UnsafeRawPointer(bitPattern: line))
        line &+= 64
    }
}

extension Array {
    /// Hints that the first `bytes` of element `index` will be read soon: their cache lines start
    /// loading while the caller works on other elements. A hint only (nothing observable changes);
    /// it pays where elements are read at scattered places in an array larger than the CPU's caches.
    @inline(__always)
    func prefetch(_ index: Int, bytes: Int) {
        withUnsafeBufferPointer { base in
            guard let start = base.baseAddress, base.indices.contains(index) else { return }
            prefetchLines(UnsafeRawPointer(start + index), bytes: bytes)
        }
    }

    /// Hints that a collection stored `offset` bytes into element `index` (a field of the
    /// element: an array or a deque, a single reference to its storage) will be read soon: the
    /// first `bytes` bytes of its storage object start loading, its header (reference counts,
    /// count) then its first elements. The reference is read as plain bits, without retaining
    /// it (a retain writes to the storage: the very miss this avoids), so element `index` itself
    /// should be in cache already (prefetched an event earlier).
    @inline(__always)
    func prefetchStorage(ofElement index: Int, at offset: Int, bytes: Int) {
        withUnsafeBufferPointer { base in
            guard let start = base.baseAddress, base.indices.contains(index) else { return }
            let storage = UnsafeRawPointer(start + index).load(fromByteOffset: offset, as: UnsafeRawPointer.self)
            prefetchLines(storage, bytes: bytes)
        }
    }
}
