import CPrefetch

extension Array {
    /// Hints that the first `bytes` of element `index` will be read soon: their cache lines start
    /// loading while the caller works on other elements. A hint only (nothing observable changes);
    /// it pays where elements are read at scattered places in an array larger than the CPU's caches.
    @inline(__always)
    func prefetch(_ index: Int, bytes: Int) {
        withUnsafeBufferPointer { base in
            guard let start = base.baseAddress, base.indices.contains(index) else { return }
            let element = UnsafeRawPointer(start + index)
            // Every line the bytes touch: one per 64 bytes, and the one holding the last byte.
            var offset = 0
            while offset < bytes {
                clustertop_prefetch(element + offset)
                offset += 64
            }
            clustertop_prefetch(element + bytes - 1)
        }
    }
}
