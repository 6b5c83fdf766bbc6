import ClusterSim
import Foundation

@testable import Dashboard

/// Hand-built snapshots with every feature on screen (a migration in flight, draining, failed and
/// starting instances, violations, a busy log), fixed so golden screens change only when the
/// widgets do, not when the simulator does.
enum Fixtures {
    static let globalPolicies: [GlobalPolicyID] = ["round-robin", "least-outstanding", "llumnix"]
    static let localPolicies: [LocalPolicyID] = ["vllm-v0", "sarathi"]

    static func instances(_ count: Int) -> [InstanceRow] {
        let gpus = ["h100", "h100", "a100-80g", "a100-80g", "l40s"]
        return (0..<count).map { i in
            let total: Int32 = i % 5 == 4 ? 9_000 : 28_000
            var row = InstanceRow(
                id: i, gpu: gpus[i % gpus.count], model: "llama3-8b", status: .active, waiting: (i * 7) % 23,
                running: 20 + (i * 13) % 40,
                kvTotal: total, kvUsed: total / 100 * Int32(10 + (i * 17) % 80), kvReserved: 0,
                kvCached: total / 100 * Int32(i % 3 * 5),
                tokensPerSecond: 900 + Double((i * 331) % 2600), preemptions: Int64(i % 4))
            if count >= 5 {
                switch i {
                case 1:
                    row.migratingTo = [3]
                case 3:
                    row.migratingFrom = [1]
                    row.kvReserved = 1_200
                case 2:
                    row.status = .draining
                case 4:
                    row.status = .failed
                    row.kvUsed = 0
                    row.kvCached = 0
                    row.waiting = 0
                    row.running = 0
                    row.tokensPerSecond = 0
                default: break
                }
            }
            return row
        }
    }

    static func series(_ n: Int, base: Double, amplitude: Double, phase: Double) -> [Double] {
        (0..<n).map { i in i % 17 == 16 ? .nan : base + amplitude * sin(Double(i) / 5 + phase) }
    }

    static func snapshot(instances count: Int = 6, paused: Bool = false, detail: Bool = false) -> DashboardSnapshot {
        var rows = instances(count)
        if count >= 6 {
            rows.append(
                InstanceRow(
                    id: count, gpu: "h100", model: "llama3-8b", tensorParallel: 2, status: .starting, kvTotal: 60_000,
                    readyInSeconds: 12.3))
        }
        let migration: MigrationInfo = {
            var m = MigrationInfo(request: 4211, source: 1, destination: 3, blocksTotal: 1_200, started: 95_000_000)
            m.blocksCopied = 700
            m.stage = 2
            return m
        }()
        let recent: [MigrationInfo] = (0..<2).map { k in
            var m = MigrationInfo(
                request: 4000 + Int64(k), source: 0, destination: 2, blocksTotal: 300 + Int32(k) * 50,
                started: 80_000_000)
            m.blocksCopied = m.blocksTotal
            m.ended = 81_000_000 + SimTime(k) * 2_000_000
            m.downtime = 12_000 + SimTime(k) * 3_000
            m.outcome = k == 0 ? .committed : .aborted
            return m
        }
        let log: [LogLine] = [
            LogLine(time: 60_000_000, text: "global policy -> least-outstanding", kind: .policy),
            LogLine(time: 90_000_000, text: "spike x3.00 for 30.0 s", kind: .spike),
            LogLine(time: 95_000_000, text: "instance 4 failed", kind: .failure),
            LogLine(time: 96_000_000, text: "instance 2 draining", kind: .scaling),
            LogLine(time: 97_000_000, text: "instance \(count) starting (h100, llama3-8b, tp 2)", kind: .scaling),
            LogLine(time: 99_500_000, text: "speed 10x", kind: .control),
        ]
        var s = DashboardSnapshot(
            scenario: "fixture", now: 100_000_000, scenarioDurationSeconds: 300,
            clock: RunClock(paused: paused, speed: 10, achievedSpeed: 9.8, lagging: false),
            globalPolicy: "least-outstanding", localPolicy: "vllm-v0", globalPolicies: globalPolicies,
            localPolicies: localPolicies,
            rateMultiplier: 3, nominalArrivalRate: 45,
            recent: RecentRates(
                arrivalsPerSecond: 43.2, completionsPerSecond: 31.5, tokensPerSecond: 8_750, attainment: 0.912),
            totals: Totals(
                arrived: 2_412, completed: 2_107, rejected: 3, inFlight: 302,
                waiting: rows.reduce(0) { $0 + $1.waiting }, unassigned: 0, attainment: 0.981,
                preemptions: 12, migrations: 3, kvUsed: 61_000, kvTotal: 98_000),
            instances: rows, activeMigrations: [migration], recentMigrations: recent,
            tenants: [
                TenantRow(
                    name: "chat", ttftSLOMilliseconds: 2000, tpotSLOMilliseconds: 100, arrived: 1_500, completed: 1_310,
                    sloMet: 1_296,
                    ttftViolations: 9, tpotViolations: 5, recentMissesPerSecond: 1.4, recentAttainment: 0.93),
                TenantRow(
                    name: "api", ttftSLOMilliseconds: 1000, tpotSLOMilliseconds: 50, arrived: 700, completed: 640,
                    sloMet: 610,
                    ttftViolations: 20, tpotViolations: 12, recentMissesPerSecond: 2.2, recentAttainment: 0.85),
                TenantRow(
                    name: "batch", ttftSLOMilliseconds: 10000, tpotSLOMilliseconds: 200, arrived: 212, completed: 157,
                    sloMet: 157),
            ],
            history: History(
                attainment: series(100, base: 0.95, amplitude: 0.05, phase: 0),
                p99TTFTMilliseconds: series(100, base: 800, amplitude: 500, phase: 1),
                p99TBTMilliseconds: series(100, base: 60, amplitude: 40, phase: 2)),
            log: log, recording: .on(path: "session.jsonl"), appliedSequence: 0)
        if detail {
            let tenants = ["chat", "api", "batch"]
            var requests: [InstanceDetail.RequestLine] = []
            for k in 0..<6 {
                let n = Int32(k)
                let prompt: Int32 = 512 + n * 100
                let line = InstanceDetail.RequestLine(
                    serial: 3000 + Int64(k), tenant: tenants[k % 3], promptTokens: prompt, outputTokens: 256,
                    generatedTokens: n * 30,
                    computedTokens: prompt + n * 30, blocks: 40 + n * 8, ageSeconds: Double(k) * 1.5,
                    preemptions: k == 2 ? 1 : 0)
                requests.append(line)
            }
            s.detail = InstanceDetail(
                row: rows[3], gpuName: "NVIDIA A100 80GB SXM", iterations: 12_345, tokensGenerated: 456_789,
                busyShare: 0.87, batchRequests: 24,
                batchTokens: 600, waiting: Array(requests.prefix(3)), running: requests)
        }
        return s
    }

    static func state(for s: DashboardSnapshot, overlay: UIState.Overlay = .none, focus: Int = 0) -> UIState {
        var state = UIState(
            paused: s.clock.paused, speed: s.clock.speed, globalPolicy: s.globalPolicy, localPolicy: s.localPolicy,
            globalPolicies: s.globalPolicies, localPolicies: s.localPolicies)
        Reducer.sync(&state, with: s, pending: false)
        state.overlay = overlay
        state.focus = focus
        return state
    }

    /// Renders like the app does: the layout, the state clamped to it, one draw.
    static func render(_ s: DashboardSnapshot?, _ state: UIState, width: Int, height: Int, glyphs: Glyphs = .unicode)
        -> ScreenBuffer
    {
        var buffer = ScreenBuffer(width: width, height: height)
        var ui = state
        DashboardApp.compose(s, &ui, glyphs: glyphs, into: &buffer)
        return buffer
    }
}

/// Golden screens: text files under Golden/, compared exactly (trailing spaces trimmed).
/// Re-record with RECORD_GOLDEN=1 (as swift-argument-parser's `assertSnapshot`).
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// Nil when `text` matches the golden file `name`; otherwise what differs.
    static func check(_ name: String, _ text: String) -> String? {
        let url = directory.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? (text + "\n").write(to: url, atomically: true, encoding: .utf8)
            return record ? nil : "recorded \(name) (it did not exist); check it and run again"
        }
        let want = expected.hasSuffix("\n") ? String(expected.dropLast()) : expected
        guard want != text else { return nil }
        let a = want.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? String(a[i]) : "<none>", y = i < b.count ? String(b[i]) : "<none>"
            if x != y { return "\(name) line \(i + 1):\n  golden: \(x)\n  actual: \(y)\n(RECORD_GOLDEN=1 re-records)" }
        }
        return "\(name) differs"
    }
}
