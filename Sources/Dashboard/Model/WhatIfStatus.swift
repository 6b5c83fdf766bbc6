import ClusterSim

/// A what-if comparison as the dashboard shows it: where the cluster was forked, how far each
/// candidate's fork has got, and its figures once it has finished. Built by the simulation
/// thread from its `WhatIfRun` for every snapshot while the panel is open.
public struct WhatIfStatus: Sendable, Equatable {
    /// One candidate: its policies, its fork's progress (0...1), and its result when done.
    public struct Row: Sendable, Equatable {
        public var candidate: WhatIf.Candidate
        public var progress: Double
        public var result: WhatIf.Result?

        public init(candidate: WhatIf.Candidate, progress: Double, result: WhatIf.Result? = nil) {
            self.candidate = candidate
            self.progress = progress
            self.result = result
        }
    }

    /// The simulated instant the cluster was forked at.
    public var forkedAt: SimTime
    public var horizonSeconds: Double
    public var rows: [Row]
    /// The pair in force at the fork (marked `=`), when it is among the candidates.
    public var current: WhatIf.Candidate?
    /// Threads running forks (the spare cores).
    public var workers: Int
    /// Every fork has finished (the best is marked).
    public var done: Bool
    /// Why the comparison stopped early (a candidate could not be built).
    public var error: String?

    public init(
        forkedAt: SimTime, horizonSeconds: Double, rows: [Row], current: WhatIf.Candidate? = nil, workers: Int = 1,
        done: Bool = false, error: String? = nil
    ) {
        self.forkedAt = forkedAt
        self.horizonSeconds = horizonSeconds
        self.rows = rows
        self.current = current
        self.workers = workers
        self.done = done
        self.error = error
    }

    /// The status of `run`, forked at `forkedAt` with `current` in force.
    public init(_ run: WhatIfRun, forkedAt: SimTime, current: WhatIf.Candidate?, workers: Int) {
        let progress = run.progress, results = run.results
        self.init(
            forkedAt: forkedAt, horizonSeconds: run.horizonSeconds,
            rows: run.candidates.indices.map {
                Row(candidate: run.candidates[$0], progress: progress[$0], result: results[$0])
            },
            current: current, workers: workers, done: run.isDone && !run.isCancelled, error: run.error)
    }

    /// The share of the whole comparison done (0...1).
    public var progress: Double { rows.isEmpty ? 1 : rows.reduce(0) { $0 + $1.progress } / Double(rows.count) }

    /// The line a switch chosen from row `i` adds to the event log (and to a recording): what
    /// was chosen, and what the fork projected for it.
    public func switchNote(_ i: Int) -> String? {
        guard rows.indices.contains(i), let r = rows[i].result else { return nil }
        let f = r.figures
        let slo = f.sloAttainment.map { Format.percent($0, decimals: 1) } ?? "-"
        return "what-if: switched to \(r.candidate.label) (projected over \(Report.number(horizonSeconds, 0)) s from "
            + "\(Time.clock(forkedAt)): SLO \(slo), P99 TTFT \(Format.duration(milliseconds: f.ttftP99Milliseconds)), "
            + "\(Format.compact(f.outputTokensPerSecond)) tok/s\(r.isBest ? ", best" : ""))"
    }
}
