/// The result of one sweep point: its settings, whether it ran, and its report's figures.
///
/// A row is one JSON object (one line of the results' JSON Lines file): `sweep` (the sweep's id),
/// `points` (how many the sweep has), `point`, `key`, `settings` (axis to value, null where the
/// point keeps the base scenario's), `status` (`ok` or `failed`), `error`, then every field of
/// the report (`Report.fields`, as `clustertop run --format json` prints them, without `wall_s`).
/// The CSV row is the same object flattened, so its report columns are those of `run`'s CSV.
public struct SweepRow: Sendable {
    public var point: Int
    public var key: String
    public var ok: Bool
    /// Why the point failed; empty when it ran.
    public var error: String
    /// The id of the sweep the row belongs to, and its number of points.
    public var sweepID: String
    public var pointCount: Int
    /// The whole row.
    public var json: SweepJSON
    /// The report, for a row run in this process (rows read from a file have only `json`).
    public var report: Report?

    /// The row of `point` of `spec`: its report, or the message of its failure.
    public init(spec: SweepSpec, point: SweepPoint, outcome: Result<Report, SweepFailure>) {
        var settings: [SweepJSON.Member] = []
        for axis in spec.axes {
            let value = point.settings.first { $0.axis == axis }?.value
            let json: SweepJSON = value.map { SweepJSON.isNumber($0) ? .literal($0) : .string($0) } ?? .literal("null")
            settings.append(SweepJSON.Member("\(axis)", json))
        }
        var members: [SweepJSON.Member] = [
            .init("sweep", .string(spec.id)), .init("points", .literal(String(spec.points.count))),
            .init("point", .literal(String(point.index))), .init("key", .string(point.key)),
            .init("settings", .object(settings)),
        ]
        var report: Report?
        switch outcome {
        case .success(var run):
            run.wallSeconds = nil
            members += [.init("status", .string("ok")), .init("error", .string(""))]
            if case .object(let fields) = SweepJSON(run.json) { members += fields }
            report = run
        case .failure(let failure):
            members += [.init("status", .string("failed")), .init("error", .string(failure.message))]
        }
        self.init(json: .object(members))!
        self.report = report
    }

    /// A row read back from its JSON; nil when `json` is not a row.
    public init?(json: SweepJSON) {
        guard let sweepID = json["sweep"]?.text, let points = json["points"]?.number,
            let point = json["point"]?.number, let key = json["key"]?.text, let status = json["status"]?.text,
            status == "ok" || status == "failed", let error = json["error"]?.text,
            points >= 1, point >= 0, point < points, point == point.rounded(), points == points.rounded()
        else { return nil }
        self.point = Int(point)
        self.pointCount = Int(points)
        self.sweepID = sweepID
        self.key = key
        self.ok = status == "ok"
        self.error = error
        self.json = json
        self.report = nil
    }

    /// A row read back from a line of a results file; nil when the line is not a whole row.
    public init?(line: String) {
        guard let json = SweepJSON.parse(line) else { return nil }
        self.init(json: json)
    }

    /// The row's CSV cells under `columns` (empty where it has no such field).
    func cells(_ columns: [String]) -> [String] {
        let values = Dictionary(json.flattened(), uniquingKeysWith: { first, _ in first })
        return columns.map { values[$0] ?? "" }
    }

    /// The row on one line, without its newline.
    public var line: String { json.line }

    /// The value of `axis` (as written in the sweep file), or nil where the point keeps the base's.
    public func setting(_ axis: String) -> String? {
        switch json["settings"]?[axis] {
        case .string(let s): s
        case .literal(let text) where text != "null": text
        default: nil
        }
    }

    /// A report figure at a dotted path (`ttft_ms.p99`, `slo.attainment`), nil when the point
    /// failed or the figure is null.
    public func number(_ path: String) -> Double? {
        guard ok, let value = json.value(at: path),
            path.split(separator: ".").first.map({ !Self.ownKeys.contains(String($0)) }) ?? false
        else { return nil }
        return value.number
    }

    static let ownKeys = ["sweep", "points", "point", "key", "settings", "status", "error"]
}

/// Why a point did not run.
public struct SweepFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A sweep's finished rows, and the results files they make.
public struct SweepResult: Sendable {
    /// In point order.
    public var rows: [SweepRow]

    public init(rows: [SweepRow]) {
        self.rows = rows.sorted { $0.point < $1.point }
    }

    /// The JSON Lines file: one row a line, in point order.
    public var jsonLines: String { rows.map { $0.line + "\n" }.joined() }

    /// The CSV columns: those of the first point that ran, else of the first point (a failed
    /// point has no report columns; its cells there are empty).
    public var columns: [String] {
        ((rows.first { $0.ok } ?? rows.first)?.json.flattened() ?? []).map(\.0)
    }

    /// The CSV file: the flattened rows under one header, in point order.
    public var csv: String { Report.csv(header: columns, rows: rows.map { $0.cells(columns) }) }

    /// CSV lines of `rows` under a header of `columns`, without the header: rows appended to a file.
    public static func csvLines(_ rows: [SweepRow], columns: [String]) -> String {
        String(Report.csv(header: columns, rows: rows.map { $0.cells(columns) }).drop { $0 != "\n" }.dropFirst())
    }

    /// Reads a results file's text: its rows, and the 1-based numbers of lines that are not rows
    /// (a line cut short by an interruption, or not written by a sweep).
    public static func read(_ text: String) -> (rows: [SweepRow], badLines: [Int]) {
        var rows: [SweepRow] = []
        var bad: [Int] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty
        {
            if let row = SweepRow(line: String(line)) { rows.append(row) } else { bad.append(i + 1) }
        }
        return (rows, bad)
    }

    /// Joins the rows of shard files (named by `files`, each with its rows) into the sweep's
    /// result: they must come from one sweep and hold every point exactly once.
    public static func merge(_ files: [(name: String, rows: [SweepRow])]) throws(SweepFailure) -> SweepResult {
        guard let first = files.first(where: { !$0.rows.isEmpty }) else {
            throw SweepFailure("no rows to merge: the files are empty")
        }
        let id = first.rows[0].sweepID, count = first.rows[0].pointCount
        var owner: [Int: String] = [:]
        var rows: [SweepRow] = []
        for file in files {
            for row in file.rows {
                guard row.sweepID == id, row.pointCount == count else {
                    throw SweepFailure(
                        "\(file.name): point \(row.point) belongs to another sweep (\(row.sweepID), \(row.pointCount) points) than \(first.name) (\(id), \(count) points)"
                    )
                }
                if let other = owner[row.point] {
                    throw SweepFailure("point \(row.point) (\(row.key)) is in both \(other) and \(file.name)")
                }
                owner[row.point] = file.name
                rows.append(row)
            }
        }
        let missing = (0..<count).filter { owner[$0] == nil }
        guard missing.isEmpty else {
            let shown = missing.prefix(10).map(String.init).joined(separator: ", ")
            throw SweepFailure(
                "\(missing.count) of \(count) points are in none of the files (points \(shown)\(missing.count > 10 ? ", …" : "")); is a shard missing or unfinished?"
            )
        }
        return SweepResult(rows: rows)
    }
}
