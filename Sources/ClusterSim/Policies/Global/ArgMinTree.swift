/// The position of the smallest key, ties to the lowest position, kept as keys change: a
/// tournament tree (segment tree) over a fixed number of positions.
///
/// `update` is O(log n) and `winner` O(1), where a scan for the same answer is O(n): dispatch asks
/// for the least loaded instance at every arrival, while only the few instances an event touched
/// change their load. Positions whose key is `+∞` are excluded (not accepting): `winner` is nil
/// when every key is. Equal keys are ordered by a second key, `tie` (0 unless given), then by the
/// lowest position, as a scan in id order keeping the first of the smallest pairs
/// (`key < best || key == best && tie < bestTie`) does, so the index answers exactly what the scan
/// answered.
struct ArgMinTree: Sendable {
    /// The key at each position (`+∞`: excluded).
    private(set) var keys: [Double]
    /// The second key at each position, compared only between equal keys.
    private(set) var ties: [Int]
    /// Node `k`'s winning position (children `2k`, `2k + 1`; leaves from `capacity`); -1 for none.
    private var nodes: [Int32]
    private let capacity: Int

    /// A tree over `keys.count` positions; `ties` (the same count) orders equal keys.
    init(keys: [Double], ties: [Int]? = nil) {
        self.keys = keys
        self.ties = ties ?? [Int](repeating: 0, count: keys.count)
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

    /// The lowest position holding the smallest key (and among those the smallest tie), or nil
    /// when every key is `+∞`.
    var winner: Int32? {
        let w = nodes.count > 1 ? nodes[1] : -1
        return w >= 0 && keys[Int(w)] < .infinity ? w : nil
    }

    /// Sets the key and tie at `position`.
    mutating func update(_ position: Int, key: Double, tie: Int = 0) {
        if keys[position] == key && ties[position] == tie { return }
        keys[position] = key
        ties[position] = tie
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

    /// Calls `body` with every position whose key passes `keep`, walking each node's child with
    /// the smaller key first, so the smallest keys come early; a subtree is skipped when its
    /// smallest key fails `keep`. `keep` must be monotone (when it holds for a key it holds for
    /// every smaller key) and may tighten as `body` runs (a bound on what can still win).
    func forEachSmallestFirst(while keep: (Double) -> Bool, do body: (Int) -> Void) {
        guard nodes.count > 1 else { return }
        visit(1, keep, body)
    }

    private func visit(_ node: Int, _ keep: (Double) -> Bool, _ body: (Int) -> Void) {
        let w = nodes[node]
        guard w >= 0, keys[Int(w)] < .infinity, keep(keys[Int(w)]) else { return }
        if node >= capacity {
            body(Int(w))
            return
        }
        // The child holding this node's winner has the smaller key.
        let first = nodes[2 * node] == w ? 2 * node : 2 * node + 1
        visit(first, keep, body)
        visit(first ^ 1, keep, body)
    }

    @inline(__always)
    private func better(_ a: Int32, _ b: Int32) -> Int32 {
        if a < 0 { return b }
        if b < 0 { return a }
        let ka = keys[Int(a)], kb = keys[Int(b)]
        if kb != ka { return kb < ka ? b : a }
        return ties[Int(b)] < ties[Int(a)] ? b : a
    }
}
