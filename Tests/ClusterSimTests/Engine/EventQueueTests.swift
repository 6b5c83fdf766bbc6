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

    @Test func theLevelsBelowTheEarliestHoldEveryEventOnceTheOneAfterNextAtDepthOne() {
        var rng = RandomStream(seed: 5, label: "depth")
        for count in [0, 1, 2, 5, 6, 21, 22, 60] {
            var q = EventQueue()
            for k in 0..<count { q.push(at: SimTime(rng.next() % 1_000), .iterationEnd, target: Int32(k)) }
            var seen: [[Int32]] = []
            for depth in 0...3 {
                var level: [Int32] = []
                q.forEach(atDepth: depth) { level.append($0.target) }
                seen.append(level)
            }
            // Levels of 1, 4, 16, 64 slots, filled in order: together every event exactly once.
            #expect(
                seen.map(\.count)
                    == [1, 4, 16, 64].enumerated().map { depth, size in
                        max(0, min(size, count - [0, 1, 5, 21][depth]))
                    })
            #expect(seen.flatMap { $0 }.sorted() == (0..<Int32(count)).map { $0 })
            if count >= 2 {
                _ = q.pop()
                let afterNext = q.events.count > 1 ? q.events.dropFirst().min { $0 < $1 }!.target : nil
                var children: [Int32] = []
                q.forEach(atDepth: 1) { children.append($0.target) }
                if let afterNext { #expect(children.contains(afterNext)) }
            }
        }
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
