import Testing

@testable import ClusterSim

struct HistogramCDFTests {
    @Test func theCDFRisesToOneAtTheMaximum() {
        var h = Histogram()
        for v: Int64 in [5, 5, 90, 1000, 1010, 250_000] { h.record(v) }
        let cdf = h.cdf
        let values: [Int64] = [5, 90, 1007, 1015, 250_000]
        #expect(cdf.map(\.value) == values)
        let shares: [Double] = [2, 3, 4, 5, 6].map { $0 / 6 }
        #expect(cdf.map(\.fraction) == shares)
    }

    @Test func theCDFAgreesWithTheQuantiles() {
        var h = Histogram()
        var random = RandomStream(seed: 3, label: "cdf")
        for _ in 0..<5000 { h.record(Int64(random.next() % 2_000_000)) }
        let cdf = h.cdf
        for q in [0.1, 0.5, 0.9, 0.99] {
            // The quantile lies in the first bucket whose share reaches q.
            let point = cdf.first { $0.fraction >= q }!
            #expect(Histogram.bucket(h.quantile(q)) == Histogram.bucket(point.value))
        }
        #expect(Histogram().cdf.isEmpty)
    }
}
