/// Slots of an array in least-recently-used order: a doubly linked list whose links live in two
/// arrays beside the slots' own storage, so unlinking and appending a slot are O(1). The prefix
/// cache's free queue and a KV tier's block index keep their order in one.
struct LRUList: Sendable, Hashable {
    private var prev: [Int32] = []
    private var next: [Int32] = []
    /// The least recently used slot (evicted first), -1 when the list is empty.
    private(set) var head: Int32 = -1
    /// The most recently used slot, -1 when the list is empty.
    private(set) var tail: Int32 = -1

    /// The slot after `e` (more recently used), -1 after the tail.
    func after(_ e: Int32) -> Int32 { next[Int(e)] }

    /// Takes slot `e` out of the list (a slot not in it is left as it is).
    mutating func unlink(_ e: Int32) {
        let i = Int(e)
        guard i < prev.count else { return }
        let p = prev[i], n = next[i]
        if p >= 0 { next[Int(p)] = n } else if head == e { head = n }
        if n >= 0 { prev[Int(n)] = p } else if tail == e { tail = p }
        prev[i] = -1
        next[i] = -1
    }

    /// Puts slot `e`, not in the list, at its most recently used end.
    mutating func append(_ e: Int32) {
        let i = Int(e)
        while prev.count <= i {
            prev.append(-1)
            next.append(-1)
        }
        prev[i] = tail
        next[i] = -1
        if tail >= 0 { next[Int(tail)] = e } else { head = e }
        tail = e
    }
}
