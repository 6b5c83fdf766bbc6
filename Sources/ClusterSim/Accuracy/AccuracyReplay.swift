/// Replays a measured run in the simulator and scores the prediction, as the field scores
/// simulators against real engines.
///
/// The scenario gives the cluster, the engine settings and the policies; its workload is replaced
/// by the measured arrivals and token counts (one stream of the first stream's tenant, keeping its
/// `shared_prefix`). Scoring follows BLIS (the llm-d project's simulator): per metric the whole-run
/// mean, p50, p90 and p99 of predicted and measured, and the relative error |p − m| / m; ITL's mean
/// is (E2E mean − TTFT mean) / (mean output − 1), its percentiles those of each request's
/// (E2E − TTFT) / (output − 1).
public enum AccuracyReplay {
    /// The simulator's TTFT and E2E for each measured request, seconds; NaN where it did not finish.
    public struct Prediction: Sendable {
        public var ttft: [Double]
        public var e2e: [Double]
        /// Requests the simulation rejected or left unfinished.
        public var missing: Int
    }

    /// `scenario` with its workload replaced by `run`'s arrivals and token counts; `outputTokens`,
    /// when given, replaces every request's output length (the load generator's `max_tokens` with
    /// `ignore_eos`, for clients whose recorded counts are not the tokens generated).
    public static func replayScenario(_ scenario: Scenario, run: MeasuredRun, outputTokens: Int? = nil) -> Scenario {
        var s = scenario
        let first = scenario.workload.first
        var trace = run.trace
        if let outputTokens { trace.outputs = [Int32](repeating: Int32(outputTokens), count: trace.count) }
        var spec = TraceStreamSpec(format: .csv, file: run.source, resolvedPath: run.source, trace: trace)
        spec.spreadSeconds = 0
        var stream = StreamSpec(
            tenant: first?.tenant ?? scenario.tenants[0].name, model: first?.model, arrival: .trace(spec),
            input: .fixed(value: 1), output: .fixed(value: 1), sharedPrefix: first?.sharedPrefix)
        stream.workflow = nil
        s.workload = [stream]
        s.events = []
        s.durationSeconds = (run.arrivals.last ?? 0) + 1
        return s
    }

    /// Runs the replay of `run` on `scenario`, with `engine` (when given) as every group's engine
    /// calibration.
    public static func predict(
        _ scenario: Scenario, run: MeasuredRun, engine: EngineCalibration? = nil, outputTokens: Int? = nil
    ) throws -> Prediction {
        var s = replayScenario(scenario, run: run, outputTokens: outputTokens)
        if let engine { for g in s.cluster.indices { s.cluster[g].engine.calibration = engine } }
        var sim = try Simulation(scenario: s)
        sim.completionLog = []
        sim.completionLog!.reserveCapacity(run.count)
        sim.runToEnd()
        var ttft = [Double](repeating: .nan, count: run.count)
        var e2e = [Double](repeating: .nan, count: run.count)
        var found = 0
        for record in sim.completionLog! where record.serial < Int64(run.count) {
            ttft[Int(record.serial)] = Time.toSeconds(record.ttft)
            e2e[Int(record.serial)] = Time.toSeconds(record.e2e)
            found += 1
        }
        return Prediction(ttft: ttft, e2e: e2e, missing: run.count - found)
    }
}

/// Measured against predicted, per metric and statistic, and request by request.
public struct AccuracyReport: Sendable, Hashable {
    public enum Metric: String, Sendable, CaseIterable { case ttft = "TTFT", itl = "ITL", e2e = "E2E" }
    public enum Statistic: String, Sendable, CaseIterable { case mean, p50, p90, p99 }

    public struct Line: Sendable, Hashable {
        public var metric: Metric
        public var statistic: Statistic
        /// Milliseconds.
        public var measured: Double
        public var predicted: Double
        /// Signed relative error (predicted − measured) / measured.
        public var error: Double { measured > 0 ? (predicted - measured) / measured : 0 }
    }

    /// Request by request: mean |p − m| / m and mean (p − m) / m (bias) of TTFT and of E2E.
    public struct RequestLevel: Sendable, Hashable {
        public var metric: Metric
        public var meanAbsoluteError: Double
        public var bias: Double
    }

    public var lines: [Line]
    public var requestLevel: [RequestLevel]
    /// Requests compared, and those the simulation did not finish (left out of the statistics).
    public var requests: Int
    public var missing: Int

    /// The line of `metric` and `statistic`.
    public func line(_ metric: Metric, _ statistic: Statistic) -> Line {
        lines.first { $0.metric == metric && $0.statistic == statistic }!
    }

    /// Scores `prediction` against `run`, with `apiShift` seconds added to every predicted TTFT and
    /// E2E (a fit tries request overheads without rerunning the simulation: a constant API time
    /// shifts every request alike).
    public init(run: MeasuredRun, prediction p: AccuracyReplay.Prediction, apiShift: Double = 0) {
        var mTTFT: [Double] = [], mE2E: [Double] = [], pTTFT: [Double] = [], pE2E: [Double] = []
        var mITL: [Double] = [], pITL: [Double] = []
        var outputs = 0.0
        for i in 0..<run.count where !p.e2e[i].isNaN {
            mTTFT.append(run.ttft[i])
            mE2E.append(run.e2e[i])
            pTTFT.append(p.ttft[i] + apiShift)
            pE2E.append(p.e2e[i] + apiShift)
            outputs += Double(run.outputs[i])
            if run.outputs[i] > 1 {
                let gaps = Double(run.outputs[i] - 1)
                mITL.append((run.e2e[i] - run.ttft[i]) / gaps)
                pITL.append((p.e2e[i] - p.ttft[i]) / gaps)
            }
        }
        requests = mTTFT.count
        missing = p.missing
        let meanOutput = requests > 0 ? outputs / Double(requests) : 1
        func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
        func stats(_ v: [Double]) -> [Statistic: Double] {
            let s = v.sorted()
            return [
                .mean: mean(v), .p50: ErrorSummary.percentile(s, 0.5), .p90: ErrorSummary.percentile(s, 0.9),
                .p99: ErrorSummary.percentile(s, 0.99),
            ]
        }
        let series: [(Metric, [Double], [Double])] = [(.ttft, mTTFT, pTTFT), (.itl, mITL, pITL), (.e2e, mE2E, pE2E)]
        var lines: [Line] = []
        for (metric, m, pr) in series {
            var sm = stats(m), sp = stats(pr)
            if metric == .itl, meanOutput > 1 {
                sm[.mean] = (mean(mE2E) - mean(mTTFT)) / (meanOutput - 1)
                sp[.mean] = (mean(pE2E) - mean(pTTFT)) / (meanOutput - 1)
            }
            for s in Statistic.allCases {
                lines.append(Line(metric: metric, statistic: s, measured: sm[s]! * 1e3, predicted: sp[s]! * 1e3))
            }
        }
        self.lines = lines
        func level(_ metric: Metric, _ m: [Double], _ pr: [Double]) -> RequestLevel {
            let e = zip(pr, m).map { ($0 - $1) / $1 }
            return RequestLevel(metric: metric, meanAbsoluteError: mean(e.map(abs)), bias: mean(e))
        }
        requestLevel = [level(.ttft, mTTFT, pTTFT), level(.e2e, mE2E, pE2E)]
    }

    /// A table: one line per metric and statistic, then the request-level errors.
    public var tableText: String {
        func pad(_ s: String, _ n: Int) -> String { s.fitted(to: n, alignRight: true) }
        var out = ["metric  stat     measured ms  predicted ms     error"]
        for l in lines {
            out.append(
                l.metric.rawValue.fitted(to: 8) + l.statistic.rawValue.fitted(to: 5)
                    + pad(Report.number(l.measured, 2), 15)
                    + pad(Report.number(l.predicted, 2), 14) + pad(Report.number(l.error * 100, 1) + "%", 10))
        }
        out.append("")
        out.append("request by request  mean |error|      bias")
        for r in requestLevel {
            out.append(
                r.metric.rawValue.fitted(to: 18) + pad(Report.number(r.meanAbsoluteError * 100, 1) + "%", 14)
                    + pad(Report.number(r.bias * 100, 1) + "%", 10))
        }
        out.append("")
        out.append("\(requests) requests compared" + (missing > 0 ? ", \(missing) not finished in the simulation" : ""))
        return out.joined(separator: "\n")
    }
}
