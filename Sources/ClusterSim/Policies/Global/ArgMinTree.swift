/// The position of the smallest key, ties to the lowest position, kept as keys change: a
/// tournament tree (segment tree) over a fixed number of positions.
///
/// `update` is O(log n) and `winner` O(1), where a scan for the same answer is O(n): dispatch asks
/// for the least loaded instance at every arrival, while only the few instances an event touched
/// change their load. Positions whose key is `+∞` are excluded (not accepting): `winner` is nil
/// when every key is. Ties go to the lowest position, as a scan in id order keeping the first of
/// the smallest keys does (`key < best`), so the index answers exactly what the scan answered.
struct ArgMinTree: Sendable {
    /// The key at each position (`+∞`: excluded).
    private(set) var keys: [Double]
    /// Node `k`'s winning position (children `2k`, `2k + 1`; leaves from `capacity`); -1 for none.
    private var nodes: [Int32]
    private let capacity: Int

    /// A tree over `keys.count` positions.
    init(keys: [Double]) {
        self.keys = keys
        var capacity = 1
        while capacity < keys.count { capacity *= 2 }
        self.capacity = capacity
        nodes = [Int32](repeating: -1, count: 2 * capacity)
        for i in keys.indices { nodes[capacity + i] = Int32(i) }
        for node in stride(from: capacity - 1, through: 1, by: -1) {
            nodes[node] = better(nodes[2 * node], nodes[2 * node + 1])
        }
    }

    var count: Int { keys.count }

    /// The lowest position holding the smallest key, or nil when every key is `+∞`.
    var winner: Int32? {
        let w = nodes.count > 1 ? nodes[1] : -1
        return w >= 0 && keys[Int(w)] < .infinity ? w : nil
    }

    /// Sets the key at `position`.
    mutating func update(_ position: Int, key: Double) {
        if keys[position] == key { return }
        keys[position] = key
        var node = (capacity + position) / 2
        while node >= 1 {
            nodes[node] = better(nodes[2 * node], nodes[2 * node + 1])
            node /= 2
        }
    }

    /// The lowest position `p` whose key satisfies `accept`, where `accept` is monotone: when it
    /// holds for a key it holds for every smaller key (so a subtree holds an accepted key exactly
    /// when its smallest key is accepted). Nil when none does.
    func firstPosition(where accept: (Double) -> Bool) -> Int32? {
        guard nodes.count > 1, nodes[1] >= 0, accept(keys[Int(nodes[1])]) else { return nil }
        var node = 1
        while node < capacity {
            let left = nodes[2 * node]
            node = left >= 0 && accept(keys[Int(left)]) ? 2 * node : 2 * node + 1
        }
        return Int32(node - capacity)
    }

    @inline(__always)
    private func better(_ a: Int32, _ b: Int32) -> Int32 {
        if a < 0 { return b }
        if b < 0 { return a }
        let ka = keys[Int(a)], kb = keys[Int(b)]
        return kb < ka ? b : a
    }
}
