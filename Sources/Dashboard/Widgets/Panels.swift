import ClusterSim

/// SLO violations per tenant, and sparklines of the recent past: attainment, P99 TTFT, P99 TBT.
public enum SLOPanelWidget {
    public static let id = PanelID("slo")
    static let panel = Panel(id, .bottom(.left)) { c, buffer in
        draw(c.snapshot, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(_ s: DashboardSnapshot, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard rect.height >= 1, rect.width >= 10 else { return }
        let label = CellStyle(.dim)
        var title: [(String, CellStyle)] = [
            ("SLO", CellStyle(.title)), (" met ", label),
            (
                Format.percent(s.totals.attainment ?? .nan),
                s.totals.attainment.map { CellStyle(HeaderWidget.sloRole($0), [.bold]) } ?? .normal
            ),
        ]
        if let recent = s.recent.attainment {
            title += [
                (" last " + Format.fixed(s.history.windowSeconds, 0) + "s ", label),
                (Format.percent(recent), CellStyle(HeaderWidget.sloRole(recent))),
            ]
        }
        Draw.title(title, in: rect.row(0), glyphs: glyphs, into: &buffer)

        // The tenant table first; the three series share what is left: one sparkline row each
        // when tight, or a title row and a bar graph each when there is room.
        let tableHeight = min(1 + s.tenants.count, max(2, rect.height - 1 - 4))
        drawTenants(
            s, in: Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: tableHeight), glyphs: glyphs, into: &buffer
        )
        let seriesRect = Rect(
            x: rect.x, y: rect.y + 1 + tableHeight, width: rect.width, height: rect.height - 1 - tableHeight)
        drawSeries(s, in: seriesRect, glyphs: glyphs, into: &buffer)
    }

    /// One series: its samples, scale, per-point style, latest value and scale note.
    struct Series {
        var name: String
        var values: [Double]
        var low: Double
        var high: Double
        var style: (Double) -> CellStyle
        var latest: String
        var scale: String
    }

    /// The series as a graph `visible` points wide shows them: scaled to the points it shows.
    static func series(_ s: DashboardSnapshot, visible: Int) -> [Series] {
        var h = s.history
        let n = max(0, visible)
        h.attainment = Array(h.attainment.suffix(n))
        h.p99TTFTMilliseconds = Array(h.p99TTFTMilliseconds.suffix(n))
        h.p99TBTMilliseconds = Array(h.p99TBTMilliseconds.suffix(n))
        let ttftLimit = s.tenants.map(\.ttftSLOMilliseconds).filter { $0 > 0 }.min() ?? .infinity
        let tpotLimit = s.tenants.map(\.tpotSLOMilliseconds).filter { $0 > 0 }.min() ?? .infinity
        // Attainment is drawn from a floor of 90% (or lower, to the worst point shown in 10%
        // steps), so the dips that matter show; latencies from zero to their highest point shown.
        let worst = h.attainment.filter(\.isFinite).min() ?? 1
        let floor = min(0.9, (worst * 10).rounded(.down) / 10)
        func latest(_ v: [Double], _ f: (Double) -> String) -> String { v.last(where: { $0.isFinite }).map(f) ?? "-" }
        let ttftMax = h.p99TTFTMilliseconds.filter(\.isFinite).max() ?? 0
        let tbtMax = h.p99TBTMilliseconds.filter(\.isFinite).max() ?? 0
        return [
            Series(
                name: "SLO met", values: h.attainment, low: floor, high: 1,
                style: { CellStyle(HeaderWidget.sloRole($0)) },
                latest: latest(h.attainment) { Format.percent($0, decimals: 0) },
                scale: Format.percent(floor, decimals: 0) + "-100%"),
            Series(
                name: "p99 TTFT", values: h.p99TTFTMilliseconds, low: 0, high: max(1, ttftMax),
                style: { CellStyle($0 > ttftLimit ? .critical : .spark) },
                latest: latest(h.p99TTFTMilliseconds) { Format.duration(milliseconds: $0) },
                scale: "max " + Format.duration(milliseconds: ttftMax)),
            Series(
                name: "p99 TBT", values: h.p99TBTMilliseconds, low: 0, high: max(1, tbtMax),
                style: { CellStyle($0 > tpotLimit ? .critical : .spark) },
                latest: latest(h.p99TBTMilliseconds) { Format.duration(milliseconds: $0) },
                scale: "max " + Format.duration(milliseconds: tbtMax)),
        ]
    }

    /// The three series: one sparkline row each when tight, or a title row and a bar graph each
    /// when there is room (taking all of it); a time axis under them when a row is left.
    static func drawSeries(_ s: DashboardSnapshot, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard !rect.isEmpty else { return }
        let label = CellStyle(.dim)
        let window = Format.fixed(s.history.windowSeconds, 0) + "s"
        if rect.height < 7 {
            let width = rect.width - 9 - 8
            let all = series(s, visible: width)
            for (i, line) in all.prefix(rect.height).enumerated() {
                let y = rect.y + i
                buffer.put(Format.padRight(line.name, 9, ellipsis: glyphs.ellipsis), x: rect.x, y: y, label, clip: rect)
                Draw.sparkline(
                    line.values, low: line.low, high: line.high, x: rect.x + 9, y: y, width: width,
                    glyphs: glyphs,
                    style: line.style, into: &buffer)
                buffer.putRight(line.latest, maxX: rect.maxX, y: y, CellStyle(.normal, [.bold]), clip: rect)
            }
            if rect.height > all.count {
                Draw.timeAxis(
                    pointSeconds: s.history.pointSeconds, x: rect.x + 9, y: rect.y + all.count, width: width,
                    glyphs: glyphs, into: &buffer)
            }
            return
        }
        let all = series(s, visible: rect.width)
        // The rows above the axis in three blocks, the first ones taking the odd rows.
        let rows = rect.height - 1
        Draw.timeAxis(
            pointSeconds: s.history.pointSeconds, x: rect.x, y: rect.maxY - 1, width: rect.width, glyphs: glyphs,
            into: &buffer)
        var top = rect.y
        for (i, line) in all.enumerated() {
            let block = rows / 3 + (i < rows % 3 ? 1 : 0)
            defer { top += block }
            var x = rect.x
            x += buffer.put(line.name + " ", x: x, y: top, CellStyle(.label), clip: rect)
            x += buffer.put(line.latest, x: x, y: top, CellStyle(.normal, [.bold]), clip: rect)
            buffer.put("  per " + window + ", scale " + line.scale, x: x, y: top, label, clip: rect)
            Draw.graph(
                line.values, low: line.low, high: line.high,
                in: Rect(x: rect.x, y: top + 1, width: rect.width, height: block - 1),
                glyphs: glyphs, style: line.style, into: &buffer)
        }
    }

    static func drawTenants(_ s: DashboardSnapshot, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard rect.height >= 1 else { return }
        // Columns, dropped from the right when narrow: name, done, met %, over TTFT, over TPOT, misses/s.
        let widths = [8, 7, 7, 7, 7, 7]
        let titles = ["tenant", "done", "met", ">ttft", ">tpot", "miss/s"]
        var count = widths.count
        while count > 2 && widths.prefix(count).reduce(0, +) > rect.width { count -= 1 }
        let label = CellStyle(.label)
        var x = rect.x
        for k in 0..<count {
            let t =
                k == 0
                ? Format.padRight(titles[k], widths[k], ellipsis: glyphs.ellipsis)
                : Format.padLeft(titles[k], widths[k], ellipsis: glyphs.ellipsis)
            x += buffer.put(t, x: x, y: rect.y, label, clip: rect)
        }
        let room = rect.height - 1
        for (i, t) in s.tenants.enumerated() {
            guard i < room else { break }
            let y = rect.y + 1 + i
            if i == room - 1 && s.tenants.count > room {
                buffer.put("+\(s.tenants.count - i) more", x: rect.x, y: y, CellStyle(.dim), clip: rect)
                break
            }
            let cells: [(String, CellStyle)] = [
                (t.name, .normal),
                (Format.count(t.completed), .normal),
                (
                    Format.percent(t.attainment ?? .nan),
                    t.attainment.map { CellStyle(HeaderWidget.sloRole($0)) } ?? .normal
                ),
                (Format.count(t.ttftViolations), t.ttftViolations > 0 ? CellStyle(.warn) : .normal),
                (Format.count(t.tpotViolations), t.tpotViolations > 0 ? CellStyle(.warn) : .normal),
                (
                    Format.fixed(t.recentMissesPerSecond, 1),
                    t.recentMissesPerSecond > 0 ? CellStyle(.critical) : CellStyle(.dim)
                ),
            ]
            var cx = rect.x
            for k in 0..<count {
                let text =
                    k == 0
                    ? Format.padRight(cells[k].0, widths[k] - 1, ellipsis: glyphs.ellipsis) + " "
                    : Format.padLeft(cells[k].0, widths[k], ellipsis: glyphs.ellipsis)
                cx += buffer.put(text, x: cx, y: y, cells[k].1, clip: rect)
            }
        }
    }
}

/// Migrations in flight with their progress, and the recent ones with their downtime.
public enum MigrationPanelWidget {
    public static let id = PanelID("migrations")
    /// What it wants, up to half the column (at least two rows).
    static let panel = Panel(
        id, .bottom(.right), .wanted(minimum: 0) { s, height in min(wantedHeight(s), max(2, height / 2)) }
    ) { c, buffer in
        draw(c.snapshot, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    /// Rows the panel would like: its title, the transfers in flight and a few recent ones.
    public static func wantedHeight(_ s: DashboardSnapshot) -> Int {
        1 + max(1, s.activeMigrations.count + min(3, s.recentMigrations.count))
    }

    public static func draw(_ s: DashboardSnapshot, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard rect.height >= 1 else { return }
        let label = CellStyle(.dim)
        var title: [(String, CellStyle)] = [
            ("Migrations", CellStyle(.title)), (" in flight ", label),
            (String(s.activeMigrations.count), CellStyle(s.activeMigrations.isEmpty ? .normal : .migration)),
        ]
        let done = s.recentMigrations.filter { $0.outcome == .committed }
        if !done.isEmpty {
            let mean = Double(done.reduce(0) { $0 + $1.downtime }) / Double(done.count) / 1000
            title += [
                (" recent ", label), (String(s.recentMigrations.count), .normal), (" mean down ", label),
                (Format.duration(milliseconds: mean), .normal),
            ]
        }
        Draw.title(title, in: rect.row(0), glyphs: glyphs, into: &buffer)
        var y = rect.y + 1
        if s.activeMigrations.isEmpty && s.recentMigrations.isEmpty {
            if rect.height > 1 {
                buffer.put("none yet (" + s.globalPolicy + ")", x: rect.x + 1, y: y, label, clip: rect)
            }
            return
        }
        for m in s.activeMigrations where y < rect.maxY {
            var x = rect.x
            x += buffer.put("r\(m.request) ", x: x, y: y, .normal, clip: rect)
            x += buffer.put(
                "\(m.source)\(glyphs.arrowRight)\(m.destination) ", x: x, y: y, CellStyle(.migration), clip: rect)
            let barWidth = max(4, min(16, rect.maxX - x - 28))
            let f = m.blocksTotal > 0 ? Double(m.blocksCopied) / Double(m.blocksTotal) : 0
            Draw.bar(
                f, x: x, y: y, width: barWidth, glyphs: glyphs, style: CellStyle(.migration), track: glyphs.kvFree,
                trackStyle: CellStyle(.kvFree), into: &buffer)
            x += barWidth + 1
            let stage = m.handoff ? "P/D hand-off" : m.lastStage ? "stop-copy" : "stage \(m.stage)"
            buffer.put("\(m.blocksCopied)/\(m.blocksTotal) blk \(stage)", x: x, y: y, .normal, clip: rect)
            y += 1
        }
        for m in s.recentMigrations.reversed() where y < rect.maxY {
            let outcome: (String, StyleRole) = m.outcome == .aborted ? ("aborted", .warn) : ("done", .ok)
            var x = rect.x
            x += buffer.put(
                "r\(m.request) \(m.source)\(glyphs.arrowRight)\(m.destination) ", x: x, y: y, label, clip: rect)
            x += buffer.put(outcome.0, x: x, y: y, CellStyle(outcome.1), clip: rect)
            buffer.put(
                " \(m.blocksTotal) blk down " + Format.duration(milliseconds: Double(m.downtime) / 1000) + " at "
                    + Time.clock(m.ended),
                x: x, y: y, label, clip: rect)
            y += 1
        }
    }
}

/// The event log, newest at the bottom: spikes, policy switches, failures, scaling, recordings,
/// and the runner's own actions.
public enum EventLogWidget {
    public static let id = PanelID("events")
    static let panel = Panel(id, .bottom(.right)) { c, buffer in
        draw(c.snapshot, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(_ s: DashboardSnapshot, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard rect.height >= 1 else { return }
        Draw.title([("Events", CellStyle(.title))], in: rect.row(0), glyphs: glyphs, into: &buffer)
        let room = rect.height - 1
        let lines = s.log.suffix(room)
        for (i, line) in lines.enumerated() {
            let y = rect.y + 1 + i
            let x = rect.x + buffer.put(Time.clock(line.time) + " ", x: rect.x, y: y, CellStyle(.dim), clip: rect)
            buffer.put(line.text, x: x, y: y, CellStyle(role(line.kind)), clip: rect)
        }
    }

    static func role(_ kind: LogLine.Kind) -> StyleRole {
        switch kind {
        case .info: .normal
        case .spike: .warn
        case .policy: .title
        case .failure: .critical
        case .scaling: .ok
        case .migration: .migration
        case .control: .dim
        case .recording: .badgeDrain
        }
    }
}

/// The hint bar: the main keys of this session from the key table, and the spike that `s` would
/// fire (live) or the message of a key that does nothing here.
public enum HintBarWidget {
    public static let id = PanelID("hints")
    static let panel = Panel(id, .stack, .fixed(1)) { c, buffer in
        draw(c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(_ state: UIState, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard rect.height >= 1 else { return }
        if state.overlay == .filter {
            FilterPromptWidget.draw(state, in: rect, glyphs: glyphs, into: &buffer)
            return
        }
        let spike =
            "spike x" + Format.fixed(state.spikeFactor, state.spikeFactor == state.spikeFactor.rounded() ? 0 : 1) + " "
            + Format.fixed(state.spikeSeconds, 0) + "s [ ] { }"
        if let flash = state.flash {
            // The message takes the bar until the next key, keeping the way to help and out.
            buffer.put(flash, x: rect.x, y: rect.y, CellStyle(.warn, [.bold]), clip: rect)
            buffer.putRight(" ? help  q quit", maxX: rect.maxX, y: rect.y, CellStyle(.hint), clip: rect)
            return
        }
        let spikeWidth = Format.width(spike)
        let right = rect.width >= 100 && !state.isReplay ? spikeWidth + 1 : 0
        // The essential hints keep their room; the others fill what is left, in table order.
        let hints = KeyTable.hints(glyphs, replay: state.isReplay).filter { KeyTable.hintApplies($0.action, state) }
        func width(_ h: (keys: String, label: String, action: Action)) -> Int {
            Format.width(h.keys) + 1 + Format.width(h.label) + 1
        }
        var room =
            rect.width - right
            - hints.filter { KeyTable.essentialHints.contains($0.action) }.reduce(0) { $0 + width($1) }
        var x = rect.x
        for hint in hints {
            if !KeyTable.essentialHints.contains(hint.action) {
                guard width(hint) <= room else {
                    room = 0
                    continue
                }
                room -= width(hint)
            }
            x += buffer.put(hint.keys, x: x, y: rect.y, CellStyle(.hintKey), clip: rect)
            x += buffer.put(" " + hint.label + " ", x: x, y: rect.y, CellStyle(.hint), clip: rect)
        }
        if right > 0 { buffer.putRight(spike, maxX: rect.maxX, y: rect.y, CellStyle(.dim)) }
    }
}
