/// One measured run to calibrate on or score: the scenario that describes its cluster and engine,
/// the measured requests, and the load generator's output length when the recorded counts are not
/// the tokens generated.
public struct EngineRun: Sendable {
    public var name: String
    public var scenario: Scenario
    public var measured: MeasuredRun
    public var outputTokens: Int?

    public init(name: String, scenario: Scenario, measured: MeasuredRun, outputTokens: Int? = nil) {
        self.name = name
        self.scenario = scenario
        self.measured = measured
        self.outputTokens = outputTokens
    }

    /// Whether any instance group is tensor-parallel (the all-reduce latency matters).
    public var isTensorParallel: Bool { scenario.cluster.contains { $0.tensorParallel > 1 } }
}

/// Fits an engine calibration's constants to measured runs by replaying them.
///
/// The loss is BLIS's headline: per run the squared relative errors of the E2E mean, the TTFT mean
/// and the ITL, summed over runs. `requestOverhead` moves every TTFT and E2E alike without changing
/// the simulation, so for each trial of the other constants it is solved in closed form (the
/// least-squares shift of the TTFT and E2E means, at least 0); `stepOverhead`, `sequenceOverhead`
/// and (when a run is tensor-parallel) `allReduceLatency` are searched by Nelder–Mead in
/// microseconds, each trial replaying every run. Deterministic: the same runs give the same file.
public enum EngineFit {
    /// Replays every run under `calibration` with no request overhead.
    static func predictions(_ runs: [EngineRun], _ calibration: EngineCalibration) throws -> [AccuracyReplay.Prediction]
    {
        var c = calibration
        c.requestOverhead = 0
        return try runs.map {
            try AccuracyReplay.predict($0.scenario, run: $0.measured, engine: c, outputTokens: $0.outputTokens)
        }
    }

    /// The request overhead that best shifts the predicted TTFT and E2E means onto the measured.
    static func bestShift(_ reports: [AccuracyReport]) -> Double {
        var numerator = 0.0, denominator = 0.0
        for r in reports {
            for metric in [AccuracyReport.Metric.ttft, .e2e] {
                let l = r.line(metric, .mean)
                let m = l.measured / 1e3, p = l.predicted / 1e3
                numerator += (m - p) / (m * m)
                denominator += 1 / (m * m)
            }
        }
        return denominator > 0 ? max(0, numerator / denominator) : 0
    }

    /// The loss of `reports`: Σ over runs of the squared relative errors of E2E mean, TTFT mean, ITL.
    public static func loss(_ reports: [AccuracyReport]) -> Double {
        reports.reduce(0) { sum, r in
            let e = [r.line(.e2e, .mean).error, r.line(.ttft, .mean).error, r.line(.itl, .mean).error]
            return sum + e.reduce(0) { $0 + $1 * $1 }
        }
    }

    /// Scores `calibration` on `runs`: one report per run.
    public static func score(_ runs: [EngineRun], calibration: EngineCalibration) throws -> [AccuracyReport] {
        let predicted = try predictions(runs, calibration)
        return zip(runs, predicted).map {
            AccuracyReport(run: $0.measured, prediction: $1, apiShift: calibration.requestOverhead)
        }
    }

    /// Constants for `runs`, starting the search from `start`; at most `evaluations` trials.
    public static func fit(_ runs: [EngineRun], start: EngineCalibration = .none, evaluations: Int = 60) throws
        -> EngineCalibration
    {
        let searchAllReduce = runs.contains { $0.isTensorParallel }
        func calibration(_ x: [Double]) -> EngineCalibration {
            var c = start
            c.stepOverhead = abs(x[0]) * 1e-6
            c.sequenceOverhead = abs(x[1]) * 1e-6
            if searchAllReduce { c.allReduceLatency = abs(x[2]) * 1e-6 }
            return c
        }
        var best = (loss: Double.infinity, calibration: start)
        func evaluate(_ x: [Double]) throws -> Double {
            var c = calibration(x)
            let predicted = try predictions(runs, c)
            var reports = zip(runs, predicted).map { AccuracyReport(run: $0.measured, prediction: $1) }
            c.requestOverhead = bestShift(reports)
            reports = zip(runs, predicted).map {
                AccuracyReport(run: $0.measured, prediction: $1, apiShift: c.requestOverhead)
            }
            let l = loss(reports)
            if l < best.loss { best = (l, c) }
            return l
        }
        // Microseconds: a starting simplex a few hundred µs of step time and tens per sequence wide.
        var origin = [start.stepOverhead * 1e6, start.sequenceOverhead * 1e6]
        var steps = [400.0, 10.0]
        if searchAllReduce {
            origin.append(start.allReduceLatency * 1e6)
            steps.append(10)
        }
        try nelderMead(origin: origin, steps: steps, evaluations: evaluations, evaluate)
        return best.calibration
    }

    /// Minimises `f` by Nelder–Mead (standard coefficients 1, 2, ½, ½) from the simplex `origin`
    /// plus each of `steps` along its axis.
    static func nelderMead(
        origin: [Double], steps: [Double], evaluations: Int, _ f: ([Double]) throws -> Double
    ) throws {
        let n = origin.count
        var simplex = [origin]
        for k in 0..<n {
            var p = origin
            p[k] += steps[k]
            simplex.append(p)
        }
        var values = try simplex.map(f)
        var used = n + 1
        while used < evaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if values[n] - values[0] < 1e-6 * max(1e-12, values[0]) { break }
            var centroid = [Double](repeating: 0, count: n)
            for p in simplex.dropLast() { for k in 0..<n { centroid[k] += p[k] / Double(n) } }
            func towards(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = towards(-1)
            let fr = try f(reflected)
            used += 1
            if fr < values[0] {
                let expanded = towards(-2)
                let fe = try f(expanded)
                used += 1
                if fe < fr {
                    (simplex[n], values[n]) = (expanded, fe)
                } else {
                    (simplex[n], values[n]) = (reflected, fr)
                }
            } else if fr < values[n - 1] {
                (simplex[n], values[n]) = (reflected, fr)
            } else {
                let contracted = fr < values[n] ? towards(-0.5) : towards(0.5)
                let fc = try f(contracted)
                used += 1
                if fc < min(fr, values[n]) {
                    (simplex[n], values[n]) = (contracted, fc)
                } else {
                    for i in 1...n {
                        simplex[i] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = try f(simplex[i])
                        used += 1
                    }
                }
            }
        }
    }

    /// Leave-one-run-out: each run scored with constants fitted on the others.
    public static func leaveOneOut(_ runs: [EngineRun], start: EngineCalibration = .none, evaluations: Int = 60) throws
        -> [(calibration: EngineCalibration, report: AccuracyReport)]
    {
        try runs.indices.map { held in
            let training = runs.indices.filter { $0 != held }.map { runs[$0] }
            let c = try fit(training, start: start, evaluations: evaluations)
            return (c, try score([runs[held]], calibration: c)[0])
        }
    }
}
