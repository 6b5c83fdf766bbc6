import Testing

@testable import ClusterSim

@Suite struct EventQueueTests {
    @Test func ordersByTimeThenRankThenInsertion() {
        var q = EventQueue()
        q.push(at: 10, .schedule, target: 1)
        q.push(at: 10, .arrival, target: 2)
        q.push(at: 5, .schedule, target: 3)
        q.push(at: 10, .control, target: 4)
        q.push(at: 10, .arrival, target: 5)
        q.push(at: 10, .iterationEnd, target: 6)
        var order: [Int32] = []
        while let e = q.pop() { order.append(e.target) }
        #expect(order == [3, 4, 6, 2, 5, 1])
    }

    @Test func popsInKeyOrderWhateverTheInterleaving() {
        var rng = RandomStream(seed: 11, label: "heap")
        var q = EventQueue()
        var pending: [Event] = []
        var pushes = 0
        for round in 0..<5_000 {
            // Pushes and pops interleaved, with many equal times and ranks to break ties on.
            if rng.next() % 3 != 0 || q.isEmpty {
                let kind = EventKind(rawValue: UInt8(rng.next() % 5))!
                q.push(at: SimTime(rng.next() % 50) + SimTime(round / 100), kind, target: Int32(round))
                pending.append(q.events.first { $0.target == Int32(round) }!)
                pushes += 1
            } else {
                let e = q.pop()!
                #expect(e == pending.min()!)
                pending.removeAll { $0.sequence == e.sequence }
            }
        }
        var rest: [Event] = []
        while let e = q.pop() { rest.append(e) }
        #expect(rest == pending.sorted() && rest.count == pending.count && pushes > 2_500)
    }

    @Test func randomStreamsAreIndependentAndReproducible() {
        var a = RandomStream(seed: 7, label: "arrivals", index: 0)
        var b = RandomStream(seed: 7, label: "arrivals", index: 0)
        var c = RandomStream(seed: 7, label: "arrivals", index: 1)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
    }

    @Test func gammaSamplesHaveTheRequestedMean() {
        var rng = RandomStream(seed: 3, label: "gamma")
        for shape in [0.0625, 0.5, 1, 4] {
            let n = 200_000
            let mean = (0..<n).reduce(0.0) { acc, _ in acc + rng.gamma(shape: shape) } / Double(n)
            #expect(abs(mean - shape) / shape < 0.03, "shape \(shape): mean \(mean)")
        }
    }
}
