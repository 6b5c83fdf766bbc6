import ClusterSim
import Foundation

/// Runs a sweep's points in parallel into its results files, resuming from what they hold.
///
/// The JSON Lines file is the record: each finished point is appended to it (and to the CSV) at
/// once, so an interrupted sweep keeps its finished rows; a restart with the same sweep skips the
/// points it holds with status ok. At the end both files are rewritten in point order, so a
/// single run, a resumed run and merged shards give the same bytes.
struct SweepRunner {
    var spec: SweepSpec
    var shard: SweepShard
    /// The results files are PREFIX.jsonl and PREFIX.csv.
    var prefix: String
    var jobs: Int
    var showProgress: Bool
    /// Says on standard error how many points a resumed run skips.
    var noteResume = false
    /// Runs one point; a thrown error is recorded as the point's failure (tests inject failures).
    var simulate: @Sendable (SweepPoint) throws -> Report = { point in
        var sim = try Simulation(scenario: point.scenario)
        sim.runToEnd()
        return Report(sim)
    }

    var jsonlPath: String { prefix + ".jsonl" }
    var csvPath: String { prefix + ".csv" }

    /// Runs the shard's points not yet done and returns every row of the shard, in point order.
    func run() throws -> SweepResult {
        let kept = try resumableRows()
        let done = Set(kept.map(\.point))
        let pending = spec.points(in: shard).filter { !done.contains($0.index) }
        let columns = try writeFiles(SweepResult(rows: kept), headerFrom: pending.first)

        let jsonl = try AppendFile(path: jsonlPath), csv = try AppendFile(path: csvPath)
        if noteResume && !kept.isEmpty {
            Console.note("resuming \(jsonlPath): \(kept.count) points done, \(pending.count) to run")
        }
        let progress = SweepProgress(total: pending.count, enabled: showProgress)
        let collected = Collected()
        let spec = self.spec, simulate = self.simulate
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, pending.count))) { _ in
            while let i = collected.next(below: pending.count) {
                let point = pending[i]
                let outcome: Result<Report, SweepFailure>
                do {
                    outcome = .success(try simulate(point))
                } catch {
                    outcome = .failure(SweepFailure("\(error)"))
                }
                let row = SweepRow(spec: spec, point: point, outcome: outcome)
                collected.add(row) {
                    jsonl.append(row.line + "\n")
                    csv.append(SweepResult.csvLines([row], columns: columns))
                    progress.finished(row)
                }
            }
        }
        progress.finish()
        if let failure = jsonl.failure ?? csv.failure { throw failure }
        let result = SweepResult(rows: kept + collected.rows)
        _ = try writeFiles(result, headerFrom: nil)
        return result
    }

    /// The ok rows of an earlier run of this sweep and shard in the JSON Lines file (failed points
    /// run again); a file of another sweep or shard is refused.
    func resumableRows() throws -> [SweepRow] {
        guard FileManager.default.fileExists(atPath: jsonlPath) else { return [] }
        let text: String
        do {
            text = try InputFile.text(jsonlPath, limit: 1 << 30, sizeHint: "split the sweep")
        } catch {
            throw CommandError("\(error)")
        }
        let (rows, bad) = SweepResult.read(text)
        // Only the last line may be cut short (an interruption); anything else is not ours to overwrite.
        let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).count
        if let line = bad.first(where: { $0 != lastLine }) {
            throw CommandError(
                "\(jsonlPath):\(line): not a sweep's results row; move the file away or choose another --output")
        }
        var kept: [SweepRow] = []
        for row in rows {
            guard row.sweepID == spec.id, row.pointCount == spec.points.count else {
                throw CommandError(
                    "\(jsonlPath) holds results of another sweep (the sweep file, its points or its base scenario changed); move it away or choose another --output"
                )
            }
            guard shard.contains(row.point) else {
                throw CommandError(
                    "\(jsonlPath) holds point \(row.point), which is not in shard \(shard); choose another --output for this shard"
                )
            }
            if row.ok && !kept.contains(where: { $0.point == row.point }) { kept.append(row) }
        }
        return kept
    }

    /// Writes both files from `result` (each to a temporary file, then renamed over the old one)
    /// and returns the CSV columns. With no rows, the header comes from `point`'s scenario.
    func writeFiles(_ result: SweepResult, headerFrom point: SweepPoint?) throws -> [String] {
        var columns = result.columns
        var csv = result.csv
        if result.rows.isEmpty, let point {
            // The report's fields depend on the scenario's tenants and workflows, the same for every
            // point: an unrun simulation of the first point gives them.
            let report = (try? Simulation(scenario: point.scenario)).map { Report($0) }
            let row = SweepRow(
                spec: spec, point: point, outcome: report.map { .success($0) } ?? .failure(SweepFailure("")))
            columns = SweepResult(rows: [row]).columns
            csv = Report.csv(header: columns, rows: [])
        }
        try replace(jsonlPath, with: result.jsonLines)
        try replace(csvPath, with: csv)
        return columns
    }

    func replace(_ path: String, with text: String) throws {
        let temporary = path + ".partial"
        do {
            let file = try OutputFile(path: temporary)
            try file.write(text)
            try file.close()
        } catch {
            // Named as the user named it: the temporary file is ours.
            var named = error
            named.name = path
            throw named
        }
        guard rename(temporary, path) == 0 else {
            throw CommandError("cannot write \(path): \(String(cString: strerror(errno)))", status: 1)
        }
    }
}

/// A file rows are appended to as points finish; the first failed write is kept for the end.
final class AppendFile: @unchecked Sendable {
    let handle: FileHandle
    let path: String
    var failure: CommandError?

    init(path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CommandError("cannot write \(path)", status: 1)
        }
        self.handle = handle
        self.path = path
        _ = try? handle.seekToEnd()
    }

    /// Called under `Collected`'s lock.
    func append(_ text: String) {
        guard failure == nil else { return }
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            failure = CommandError("cannot write \(path): \(error.localizedDescription)", status: 1)
        }
    }

    deinit { try? handle.close() }
}

/// The next point to run and the rows finished so far, shared by the workers.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private(set) var rows: [SweepRow] = []

    func next(below count: Int) -> Int? {
        lock.withLock {
            guard nextIndex < count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }
    }

    /// Keeps `row` and runs `record` (the appends and the progress) under the lock.
    func add(_ row: SweepRow, record: () -> Void) {
        lock.withLock {
            rows.append(row)
            record()
        }
    }
}

/// A progress bar with an estimate of the time left, on standard error.
final class SweepProgress: @unchecked Sendable {
    let total: Int
    let enabled: Bool
    let started = Date()
    var done = 0
    var failed = 0
    var lastDraw = Date.distantPast

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func finished(_ row: SweepRow) {
        done += 1
        if !row.ok { failed += 1 }
        guard enabled, done == total || Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        Console.err(
            "\r\u{1B}[K"
                + SweepProgress.line(
                    done: done, total: total, failed: failed, elapsed: -started.timeIntervalSinceNow, last: row.key))
    }

    /// `[#######-------------]  7/20  ETA 0:42  global=llumnix rate_scale=2`, within 79 columns.
    static func line(done: Int, total: Int, failed: Int, elapsed: Double, last: String) -> String {
        let width = 20
        let filled = total > 0 ? done * width / total : width
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        let left = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let seconds = Int(left.rounded())
        let eta =
            seconds >= 3600
            ? "\(seconds / 3600)h\(String(format: "%02d", seconds / 60 % 60))"
            : "\(seconds / 60):\(String(format: "%02d", seconds % 60))"
        let head = "\(bar) \(done)/\(total)" + (failed > 0 ? " (\(failed) failed)" : "") + "  ETA \(eta)  "
        return head + last.escapingControlCharacters().fitted(to: max(0, 79 - head.count), ellipsis: "…", pad: false)
    }

    func finish() {
        guard enabled else { return }
        Console.err("\r\u{1B}[K")
    }
}
