import Foundation

/// The searches behind `clustertop capacity`: the highest load a cluster carries within its SLOs,
/// and the fewest instances that carry a given load.
///
/// Both are deterministic (the same answers for the same pass/fail outcomes, in the same order of
/// probes) and assume the outcome is monotone: a cluster that meets its SLOs at a load meets them
/// at every lower load, and with more instances. A simulation is close to that but not exactly
/// (arrivals are random, policies have thresholds), so what is found is a boundary between a
/// passing and a failing probe, the highest one on the path the search took.
public enum CapacitySearch {
    /// The scenario with every stream's arrival rate multiplied by `factor`: Poisson and Gamma
    /// rates times `factor` (workflow streams alike), trace streams replayed `factor` times faster.
    public static func scaled(_ scenario: Scenario, by factor: Double) -> Scenario {
        var scenario = scenario
        for i in scenario.workload.indices {
            switch scenario.workload[i].arrival {
            case .poisson(let rate): scenario.workload[i].arrival = .poisson(rate: rate * factor)
            case .gamma(let rate, let cv): scenario.workload[i].arrival = .gamma(rate: rate * factor, cv: cv)
            case .trace(var spec):
                spec.timeScale /= factor
                scenario.workload[i].arrival = .trace(spec)
            }
        }
        return scenario
    }

    /// Arrivals per second of the scenario at scale 1: the sum of its streams' mean rates (a
    /// workflow stream counts its workflows, not their calls).
    public static func baseRate(_ scenario: Scenario) -> Double {
        scenario.workload.reduce(0) { $0 + $1.arrival.rate }
    }

    /// The largest scale whose run stays within the request budget (`ScenarioParser.Limits`).
    public static func budgetScale(_ scenario: Scenario) -> Double {
        let expected = ScenarioParser.expectedRequests(scenario)
        return expected > 0 ? ScenarioParser.Limits.maxExpectedRequests / expected : .infinity
    }

    /// The outcome of a search for the highest passing scale.
    public struct Boundary: Sendable, Hashable {
        /// The highest scale that passed, nil when none did (down to the lowest scale tried).
        public var passing: Double?
        /// The lowest scale that failed above it, nil when none did (up to the highest scale tried):
        /// then `passing` is only a lower bound.
        public var failing: Double?
    }

    /// The highest scale in `low...high` at which `passes` holds, to a relative `tolerance`.
    ///
    /// Bracketing from `start`: doubling while it passes (up to `high`), or halving while it fails
    /// (down to `low`); then bisection of the bracket at its geometric midpoint until
    /// failing / passing ≤ 1 + tolerance. `passes` is called once per probe, in order.
    public static func highestPassing(
        start: Double, low: Double, high: Double, tolerance: Double, passes: (Double) throws -> Bool
    ) rethrows -> Boundary {
        var passing: Double? = nil, failing: Double? = nil
        var x = min(max(start, low), high)
        if try passes(x) {
            passing = x
            while failing == nil && x < high {
                x = min(x * 2, high)
                if try passes(x) { passing = x } else { failing = x }
            }
        } else {
            failing = x
            while passing == nil && x > low {
                x = max(x / 2, low)
                if try passes(x) { passing = x } else { failing = x }
            }
        }
        guard var lo = passing, var hi = failing else { return Boundary(passing: passing, failing: failing) }
        while hi / lo > 1 + tolerance {
            let mid = (lo * hi).squareRoot()
            if try passes(mid) { lo = mid } else { hi = mid }
        }
        return Boundary(passing: lo, failing: hi)
    }

    /// The fewest in `1...maximum` at which `passes` holds, or nil when even `maximum` fails.
    ///
    /// Bracketing from `start`: halving while it passes, or doubling while it fails (up to
    /// `maximum`); then integer bisection of the bracket, which is exact.
    public static func fewestPassing(start: Int, maximum: Int, passes: (Int) throws -> Bool) rethrows -> Int? {
        var n = min(max(start, 1), maximum)
        var passing: Int? = nil, failing = 0
        if try passes(n) {
            passing = n
            while n > 1 {
                n /= 2
                if try passes(n) {
                    passing = n
                } else {
                    failing = n
                    break
                }
            }
        } else {
            failing = n
            while n < maximum {
                n = min(n * 2, maximum)
                if try passes(n) {
                    passing = n
                    break
                }
                failing = n
            }
        }
        guard var hi = passing else { return nil }
        var lo = failing
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if try passes(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }
}
