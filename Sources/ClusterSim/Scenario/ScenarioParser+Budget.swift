import Foundation

extension ScenarioParser {
    /// A spike of the arrival rate: `factor` times from `atSeconds` for `durationSeconds`.
    public typealias Spike = (atSeconds: Double, factor: Double, durationSeconds: Double)

    /// The requests (LLM calls) the arrivals of `scenario` bring over `durationSeconds` (by default
    /// its own): the spikes of its events and `extraSpikes` (a recording's) included, each
    /// workflow counted as its calls, trace streams after slicing, scaling and `rate_scale`.
    ///
    /// The one measure of a run's size: the parser, every command-line override and recordings
    /// check it against `Limits.maxExpectedRequests`.
    public static func expectedRequests(
        _ scenario: Scenario, durationSeconds: Double? = nil, extraSpikes: [Spike] = []
    ) -> Double {
        let duration = durationSeconds ?? scenario.durationSeconds
        var spikes = extraSpikes
        for event in scenario.events {
            if case .spike(let factor, let length) = event.command { spikes.append((event.atSeconds, factor, length)) }
        }
        // Arrivals run in "base time" that advances `multiplier` times faster than simulated time.
        let base = baseSeconds(duration: duration, spikes: spikes)
        var total = 0.0
        for stream in scenario.workload {
            switch stream.arrival {
            case .trace(let spec):
                total += Double(traceRecords(spec, withinSeconds: base)) * spec.rateScale
            case .poisson(let rate), .gamma(let rate, _):
                let calls = stream.workflow.map { _ in Double(Text2SQLPlan.standard.callCount) } ?? 1
                total += rate * base * calls
            }
        }
        return total
    }

    /// Why `scenario` is too large to run for `durationSeconds`, or nil.
    public static func budgetProblem(
        _ scenario: Scenario, durationSeconds: Double? = nil, extraSpikes: [Spike] = []
    ) -> String? {
        let expected = expectedRequests(scenario, durationSeconds: durationSeconds, extraSpikes: extraSpikes)
        guard expected > Limits.maxExpectedRequests else { return nil }
        return
            "the workload would bring about \(Report.number(expected, 0)) requests; at most \(Report.number(Limits.maxExpectedRequests, 0)) are supported (lower the rates or the duration)"
    }

    /// The integral over [0, duration] of the product of the spikes in force.
    static func baseSeconds(duration: Double, spikes: [Spike]) -> Double {
        // Boundaries with the change of log(multiplier) there; logs keep products of large
        // factors finite until the end.
        var changes: [(time: Double, log: Double)] = []
        for s in spikes where s.factor > 0 && s.atSeconds < duration {
            changes.append((max(0, s.atSeconds), log(s.factor)))
            changes.append((min(duration, s.atSeconds + s.durationSeconds), -log(s.factor)))
        }
        changes.sort { $0.time < $1.time }
        var total = 0.0, logMultiplier = 0.0, last = 0.0
        for change in changes {
            total += (change.time - last) * exp(logMultiplier)
            logMultiplier += change.log
            last = change.time
        }
        return total + (duration - last) * exp(logMultiplier)
    }

    /// Records of `spec`'s slice whose scaled offset falls before `seconds` of base time.
    static func traceRecords(_ spec: TraceStreamSpec, withinSeconds seconds: Double) -> Int {
        let arrivals = spec.trace.arrivals
        let start = Time.seconds(spec.startSeconds)
        let end = min(
            spec.endSeconds.map(Time.seconds) ?? .max, start + Time.seconds(min(seconds / spec.timeScale, 1e12)))
        func firstIndex(atOrAfter t: Int64) -> Int {
            var low = 0, high = arrivals.count
            while low < high {
                let mid = (low + high) / 2
                if arrivals[mid] < t { low = mid + 1 } else { high = mid }
            }
            return low
        }
        return max(0, firstIndex(atOrAfter: end) - firstIndex(atOrAfter: start))
    }
}
