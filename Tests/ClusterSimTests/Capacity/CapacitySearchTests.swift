import Foundation
import Testing

@testable import ClusterSim

struct CapacitySearchTests {
    @Test(arguments: [0.02, 0.1, 3.3, 17.0, 63.0])
    func findsTheBoundaryWithinTheTolerance(threshold: Double) {
        var probes: [Double] = []
        let found = CapacitySearch.highestPassing(start: 1, low: 1.0 / 64, high: 64, tolerance: 0.02) { x in
            probes.append(x)
            return x <= threshold
        }
        let passing = try! #require(found.passing), failing = try! #require(found.failing)
        #expect(passing <= threshold && threshold < failing)
        #expect(failing / passing <= 1.02)
        // Bracketing then bisection: a handful of runs, never the same scale twice.
        #expect(probes.count <= 16)
        #expect(Set(probes).count == probes.count)
    }

    @Test func theSameOutcomesGiveTheSameProbes() {
        func probes() -> [Double] {
            var seen: [Double] = []
            _ = CapacitySearch.highestPassing(start: 1, low: 1.0 / 64, high: 64, tolerance: 0.05) {
                seen.append($0)
                return $0 < 5
            }
            return seen
        }
        #expect(probes() == probes())
        #expect(probes().prefix(4) == [1, 2, 4, 8])
    }

    @Test func aBoundaryOutsideTheRangeIsReportedAsSuch() {
        let always = CapacitySearch.highestPassing(start: 1, low: 0.25, high: 8, tolerance: 0.02) { _ in true }
        #expect(always == CapacitySearch.Boundary(passing: 8, failing: nil))
        let never = CapacitySearch.highestPassing(start: 1, low: 0.25, high: 8, tolerance: 0.02) { _ in false }
        #expect(never == CapacitySearch.Boundary(passing: nil, failing: 0.25))
    }

    @Test(arguments: [1, 2, 7, 8, 9, 100])
    func findsTheFewestExactly(needed: Int) {
        for start in [1, 4, 16, 200] {
            var tried: [Int] = []
            let fewest = CapacitySearch.fewestPassing(start: start, maximum: 256) { n in
                tried.append(n)
                return n >= needed
            }
            #expect(fewest == needed, "from \(start), tried \(tried)")
        }
        #expect(CapacitySearch.fewestPassing(start: 4, maximum: 50) { $0 >= 100 } == nil)
    }

    @Test func scalingMultipliesEveryStreamsRate() {
        var scenario = testScenario(rate: 5)
        scenario.workload.append(
            StreamSpec(
                tenant: "t", arrival: .gamma(rate: 2, cv: 3), input: .fixed(value: 10), output: .fixed(value: 10)))
        let scaled = CapacitySearch.scaled(scenario, by: 2.5)
        #expect(scaled.workload.map(\.arrival) == [.poisson(rate: 12.5), .gamma(rate: 5, cv: 3)])
        #expect(CapacitySearch.baseRate(scenario) == 7)
        #expect(CapacitySearch.baseRate(scaled) == 17.5)
        #expect(abs(CapacitySearch.budgetScale(scenario) * ScenarioParser.expectedRequests(scenario) - 200_000_000) < 1)
    }
}
