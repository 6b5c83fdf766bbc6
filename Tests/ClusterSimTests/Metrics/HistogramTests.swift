import Testing

@testable import ClusterSim

@Suite struct HistogramTests {
    @Test func smallValuesAreExact() {
        var h = Histogram()
        for v in 0..<100 { h.record(Int64(v)) }
        #expect(h.quantile(0.5) == 49)
        #expect(h.quantile(1) == 99)
        #expect(h.mean == 49.5)
    }

    @Test func quantilesAreWithinTheRelativeErrorBound() {
        var h = Histogram()
        var rng = RandomStream(seed: 9, label: "hist")
        var samples: [Int64] = []
        for _ in 0..<50_000 {
            let v = Int64(_exp(rng.normal() * 2 + 10))
            samples.append(v)
            h.record(v)
        }
        samples.sort()
        for q in [0.5, 0.9, 0.99, 0.999] {
            let exact = samples[Int((q * Double(samples.count)).rounded(.up)) - 1]
            let got = h.quantile(q)
            #expect(abs(Double(got - exact)) / Double(exact) <= 1.0 / 64, "q\(q): \(got) vs \(exact)")
        }
        #expect(h.max == samples.last! && h.min == samples.first!)
    }

    @Test func weightedRecordsCountEachTime() {
        var h = Histogram()
        h.record(1000, times: 9)
        h.record(5000)
        #expect(h.count == 10)
        #expect(h.quantile(0.9) == 1000 || abs(h.quantile(0.9) - 1000) < 16)
        #expect(h.quantile(0.95) > 4900)
    }
}
