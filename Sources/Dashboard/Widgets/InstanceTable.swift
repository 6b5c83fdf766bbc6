import ClusterSim

/// One row per instance: id, GPU, model, waiting-queue bar and count, running batch, KV-cache
/// bar in segments (used, reserved for an incoming migration, prefix-cached, free), tokens per
/// second and badges. Scrolls with the focus; a column header on top.
public enum InstanceTableWidget {
    public static let id = PanelID("instances")
    /// A column header and a row per instance, at least one instance row.
    static let panel = Panel(id, .stack, .wanted(minimum: 2) { s, _ in 1 + s.instances.count }) { c, buffer in
        draw(c.snapshot, c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    /// Instance rows a table in `rect` shows (its first row is the column header).
    public static func visibleRows(in rect: Rect) -> Int { max(0, rect.height - 1) }

    struct Columns {
        var id: Int
        var gpu: Int
        var model: Int
        var queueBar: Int
        var queueCount = 5
        var run = 4
        var kvBar: Int
        var kvPercent = 4
        var tokens = 6
        var state: Int
        /// The KV trend column (0: not shown; it is shown on wide screens only).
        var trend = 0
        /// The pool column (0: not shown; shown when some instance has a prefill or decode role).
        var role = 0
    }

    /// The pool column's text: the role's letter, and the one it moves to ("P>D").
    static func roleLabel(_ row: InstanceRow) -> String {
        row.role.letter + (row.switchingTo.map { ">" + $0.letter } ?? "")
    }

    static func gpuLabel(_ row: InstanceRow) -> String {
        row.tensorParallel > 1 ? "\(row.tensorParallel)x\(row.gpu)" : row.gpu
    }

    /// `stateWidth`: the state column's width at least (room for the scroll position).
    static func columns(_ rows: [InstanceRow], width: Int, stateWidth: Int = 9) -> Columns {
        var idWidth = 2, gpuWidth = 3, modelWidth = 5
        for r in rows {
            idWidth = max(idWidth, String(r.id).count)
            gpuWidth = max(gpuWidth, Format.width(gpuLabel(r)))
            modelWidth = max(modelWidth, Format.width(r.model))
        }
        gpuWidth = min(gpuWidth, 12)
        modelWidth = min(modelWidth, 14)
        var c = Columns(
            id: idWidth, gpu: gpuWidth, model: width >= 72 ? modelWidth : 0, queueBar: 0, kvBar: 0,
            state: max(9, stateWidth))
        if rows.contains(where: { $0.role != .mixed || $0.switchingTo != nil }) { c.role = 4 }
        // marker, id, gpu, model, queue bar, count, run, kv bar, percent, tokens, state, with spaces between
        let fixed =
            1 + c.id + 1 + c.gpu + 1 + (c.model > 0 ? c.model + 1 : 0) + (c.role > 0 ? c.role + 1 : 0) + 1
            + c.queueCount + 1 + c.run + 1 + 1
            + c.kvPercent + 1 + c.tokens + 1 + c.state
        // Wide screens add a KV trend column: a sparkline of each instance's recent KV occupancy.
        if width >= 160 { c.trend = min(MetricsWindow.trendPoints, (width - fixed - 60) / 2) }
        let flexible = max(0, width - fixed - (c.trend > 0 ? c.trend + 1 : 0))
        c.queueBar = max(3, min(40, flexible / 3))
        c.kvBar = max(4, flexible - c.queueBar)
        return c
    }

    /// Draws the table; returns the number of instance rows it shows.
    @discardableResult
    public static func draw(
        _ s: DashboardSnapshot, _ state: UIState, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) -> Int {
        guard rect.height >= 1 else { return 0 }
        let rows = s.instances
        let visible = rect.height - 1
        let start = max(0, min(state.scroll, rows.count - visible))
        // When the table scrolls, the state column's header says which rows are shown, in full.
        let position =
            rows.count > visible && visible > 0
            ? "rows \(start + 1)-\(min(rows.count, start + visible)) of \(rows.count)" : nil
        let c = columns(rows, width: rect.width, stateWidth: position.map(Format.width) ?? 0)
        let label = CellStyle(.label)

        // Column header, with the KV legend and the scroll position when they fit.
        var x = rect.x + 1
        let y0 = rect.y
        func header(_ text: String, _ width: Int, right: Bool = false) {
            let t =
                right
                ? Format.padLeft(text, width, ellipsis: glyphs.ellipsis)
                : Format.padRight(text, width, ellipsis: glyphs.ellipsis)
            buffer.put(t, x: x, y: y0, label, clip: rect)
            x += width + 1
        }
        header("ID", c.id, right: true)
        header("GPU", c.gpu)
        if c.model > 0 { header("MODEL", c.model) }
        if c.role > 0 { header("POOL", c.role) }
        header("QUEUE", c.queueBar + 1 + c.queueCount)
        header("RUN", c.run, right: true)
        let kvX = x
        header("KV CACHE", c.kvBar + 1 + c.kvPercent)
        let legend: [(String, CellStyle)] = [
            (String(glyphs.kvUsed), CellStyle(.kvUsed)), ("used ", label),
            (String(glyphs.kvReserved), CellStyle(.kvReserved)), ("mig ", label),
            (String(glyphs.kvCached), CellStyle(.kvCached)), ("cache ", label),
            (String(glyphs.kvFree), CellStyle(.kvFree)), ("free", label),
        ]
        let legendWidth = legend.reduce(0) { $0 + Format.width($1.0) }
        if c.kvBar + 1 + c.kvPercent - 9 >= legendWidth {
            var lx = kvX + 9
            for (text, style) in legend { lx += buffer.put(text, x: lx, y: y0, style, clip: rect) }
        }
        header("TOK/S", c.tokens, right: true)
        if c.trend > 0 { header("KV -\(c.trend)s..now", c.trend) }
        if let position {
            header(position, c.state)
            buffer.restyle(Rect(x: x - c.state - 1, y: y0, width: c.state, height: 1), CellStyle(.title))
        } else {
            header("STATE", c.state)
        }

        guard visible > 0 else { return 0 }
        var maxWaiting = 8
        for r in rows { maxWaiting = max(maxWaiting, r.waiting) }
        var shown = 0
        for i in start..<min(rows.count, start + visible) {
            drawRow(
                rows[i], focused: i == state.focus, c: c, maxWaiting: maxWaiting, x: rect.x, y: rect.y + 1 + shown,
                clip: rect, glyphs: glyphs, into: &buffer)
            shown += 1
        }
        return visible
    }

    static func drawRow(
        _ r: InstanceRow, focused: Bool, c: Columns, maxWaiting: Int, x x0: Int, y: Int, clip: Rect, glyphs: Glyphs,
        into buffer: inout ScreenBuffer
    ) {
        let gone = r.status == .failed || r.status == .retired
        let text = CellStyle(gone ? .dim : .normal)
        let ident = focused ? CellStyle(.focus) : text
        var x = x0
        buffer.put(focused ? glyphs.focusMarker : " ", x: x, y: y, CellStyle(.focus, focused ? [] : []), clip: clip)
        if !focused { buffer.put(" ", x: x, y: y, text, clip: clip) }
        x += 1
        let idText =
            Format.padLeft(String(r.id), c.id, ellipsis: glyphs.ellipsis) + " "
            + Format.padRight(gpuLabel(r), c.gpu, ellipsis: glyphs.ellipsis) + " "
            + (c.model > 0 ? Format.padRight(r.model, c.model, ellipsis: glyphs.ellipsis) + " " : "")
            + (c.role > 0 ? Format.padRight(roleLabel(r), c.role, ellipsis: glyphs.ellipsis) + " " : "")
        x += buffer.put(idText, x: x, y: y, ident, clip: clip)

        // Waiting queue: a bar scaled to the longest queue in the cluster, then the count.
        Draw.bar(
            Double(r.waiting) / Double(maxWaiting), x: x, y: y, width: c.queueBar, glyphs: glyphs,
            style: CellStyle(.queue), track: glyphs.queueEmpty, trackStyle: CellStyle(.kvFree), into: &buffer)
        x += c.queueBar
        buffer.put(
            Format.padLeft(Format.count(Int64(r.waiting)), c.queueCount + 1, ellipsis: glyphs.ellipsis), x: x, y: y,
            r.waiting > 0 ? CellStyle(.queue) : text, clip: clip)
        x += c.queueCount + 2
        buffer.put(Format.padLeft(String(r.running), c.run, ellipsis: glyphs.ellipsis), x: x, y: y, text, clip: clip)
        x += c.run + 1

        // KV cache: used (less what is reserved), reserved for an incoming migration, cached, free.
        let reserved = Double(max(0, min(r.kvReserved, r.kvUsed)))
        let usedOnly = Double(r.kvUsed) - reserved
        let cached = Double(max(0, min(r.kvCached, r.kvTotal - r.kvUsed)))
        let free = max(0, Double(r.kvTotal) - Double(r.kvUsed) - cached)
        if r.kvTotal > 0 && !gone {
            Draw.segments(
                [
                    (usedOnly, glyphs.kvUsed, CellStyle(.kvUsed)),
                    (reserved, glyphs.kvReserved, CellStyle(.kvReserved)),
                    (cached, glyphs.kvCached, CellStyle(.kvCached)), (free, glyphs.kvFree, CellStyle(.kvFree)),
                ], total: Double(r.kvTotal), x: x, y: y, width: c.kvBar, into: &buffer)
        } else {
            buffer.fill(Rect(x: x, y: y, width: c.kvBar, height: 1), glyphs.queueEmpty, CellStyle(.dim))
        }
        x += c.kvBar
        let percent = Int((r.kvUtilization * 100).rounded())
        let kvRole: StyleRole = gone ? .dim : percent >= 95 ? .critical : percent >= 85 ? .warn : .normal
        buffer.put(
            Format.padLeft(String(percent) + "%", c.kvPercent + 1, ellipsis: glyphs.ellipsis), x: x, y: y,
            CellStyle(kvRole), clip: clip)
        x += c.kvPercent + 2
        buffer.put(
            Format.padLeft(gone ? "-" : Format.compact(r.tokensPerSecond), c.tokens, ellipsis: glyphs.ellipsis), x: x,
            y: y, text, clip: clip)
        x += c.tokens + 1
        if c.trend > 0 {
            Draw.sparkline(
                r.kvTrend, low: 0, high: 1, x: x, y: y, width: c.trend, glyphs: glyphs,
                style: { CellStyle($0 >= 0.95 ? .critical : $0 >= 0.85 ? .warn : .spark) }, into: &buffer)
            x += c.trend + 1
        }

        // Badges: status, then migrations with their direction.
        let width = clip.maxX - x
        var bx = x
        func badge(_ t: String, _ role: StyleRole) {
            if bx > x { bx += buffer.put(" ", x: bx, y: y, clip: clip) }
            bx += buffer.put(
                Format.fit(t, max(0, x + width - bx), ellipsis: glyphs.ellipsis), x: bx, y: y, CellStyle(role),
                clip: clip)
        }
        switch r.status {
        case .active: break
        case .starting: badge("START " + Format.fixed(r.readyInSeconds.rounded(.up), 0) + "s", .badgeStart)
        case .draining: badge("DRAIN", .badgeDrain)
        case .failed: badge("FAILED", .badgeFail)
        case .retired: badge("RETIRED", .dim)
        }
        if !r.migratingTo.isEmpty {
            badge("MIG" + glyphs.arrowRight + migrationTargets(r.migratingTo), .migration)
        }
        if !r.migratingFrom.isEmpty {
            badge("MIG" + glyphs.arrowLeft + migrationTargets(r.migratingFrom), .migration)
        }
        if !r.sendingKVTo.isEmpty { badge("KV" + glyphs.arrowRight + migrationTargets(r.sendingKVTo), .migration) }
        if !r.receivingKVFrom.isEmpty {
            badge("KV" + glyphs.arrowLeft + migrationTargets(r.receivingKVFrom), .migration)
        }
    }

    static func migrationTargets(_ ids: [Int32]) -> String {
        ids.count == 1 ? String(ids[0]) : String(ids[0]) + "+\(ids.count - 1)"
    }
}
