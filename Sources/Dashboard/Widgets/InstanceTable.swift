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
        /// The optional columns shown, in order (after the id and the GPU).
        var order: [TableColumn] = TableColumn.optional

        func width(_ column: TableColumn) -> Int {
            switch column {
            case .id: id
            case .gpu: gpu
            case .model: model
            case .role: role
            case .queue: queueBar + 1 + queueCount
            case .run: run
            case .kv: kvBar + 1 + kvPercent
            case .tokens: tokens
            case .trend: trend
            case .state: state
            }
        }

        /// Each shown column's head: where it starts and how wide it is.
        func heads(x x0: Int) -> [(column: TableColumn, x: Int, width: Int)] {
            var x = x0 + 1
            var heads: [(column: TableColumn, x: Int, width: Int)] = []
            for column in [TableColumn.id, .gpu] + order where width(column) > 0 {
                heads.append((column, x, width(column)))
                x += width(column) + 1
            }
            return heads
        }
    }

    /// The pool column's text: the role's letter, and the one it moves to ("P>D").
    static func roleLabel(_ row: InstanceRow) -> String {
        row.role.letter + (row.switchingTo.map { ">" + $0.letter } ?? "")
    }

    static func gpuLabel(_ row: InstanceRow) -> String {
        row.tensorParallel > 1 ? "\(row.tensorParallel)x\(row.gpu)" : row.gpu
    }

    /// `stateWidth`: the state column's width at least (room for the scroll position); `shown`:
    /// the optional columns to draw, in order; `marked`: the column whose head carries the sort mark.
    static func columns(
        _ rows: [InstanceRow], width: Int, stateWidth: Int = 9, shown: [TableColumn] = TableColumn.optional,
        marked: TableColumn? = nil
    ) -> Columns {
        var idWidth = marked == .id ? 3 : 2, gpuWidth = marked == .gpu ? 4 : 3, modelWidth = marked == .model ? 6 : 5
        for r in rows {
            idWidth = max(idWidth, String(r.id).count)
            gpuWidth = max(gpuWidth, Format.width(gpuLabel(r)))
            modelWidth = max(modelWidth, Format.width(r.model))
        }
        gpuWidth = min(gpuWidth, 12)
        modelWidth = min(modelWidth, 14)
        // The model goes first when the table is narrow; the KV trend shows on wide screens only.
        var order = shown.filter { ($0 != .model || width >= 72) && ($0 != .trend || width >= 160) && $0 != .role }
        // The pool shows by itself, after the model, when some instance has a prefill or decode role.
        if rows.contains(where: { $0.role != .mixed || $0.switchingTo != nil }) {
            order.insert(.role, at: order.firstIndex(of: .model).map { $0 + 1 } ?? 0)
        }
        var c = Columns(
            id: idWidth, gpu: gpuWidth, model: order.contains(.model) ? modelWidth : 0, queueBar: 0, kvBar: 0,
            state: max(9, stateWidth), order: order)
        if order.contains(.role) { c.role = 4 }
        // The state column also carries the badges; hidden, it holds only the scroll position.
        if !order.contains(.state) {
            c.state = stateWidth
            if stateWidth > 0 { c.order.append(.state) }
        }
        // The bars take the room the fixed columns leave, the queue a third of it at most.
        // The marker and every column with the space after it, less the last space: bars at 0.
        let fixed = c.heads(x: 0).reduce(0) { $0 + $1.width + 1 }
        // Wide screens add a KV trend column: a sparkline of each instance's recent KV occupancy.
        if order.contains(.trend) { c.trend = max(0, min(MetricsWindow.trendPoints, (width - fixed - 60) / 2)) }
        let flexible = max(0, width - fixed - (c.trend > 0 ? c.trend + 1 : 0))
        switch (order.contains(.queue), order.contains(.kv)) {
        case (true, true):
            c.queueBar = max(3, min(40, flexible / 3))
            c.kvBar = max(4, flexible - c.queueBar)
        case (true, false): c.queueBar = max(3, flexible)
        case (false, true): c.kvBar = max(4, flexible)
        case (false, false): break
        }
        return c
    }

    /// The columns of the table in `rect` for `s` and `state`, and the text in the state
    /// column's head when it is not "STATE" (the scroll position, the filter).
    static func layout(_ s: DashboardSnapshot, _ state: UIState, in rect: Rect) -> (Columns, String?, start: Int) {
        let lines = state.table.displayLines(s.instances.count)
        let visible = max(0, rect.height - 1)
        let start = max(0, min(state.scroll, lines.count - visible))
        var position: String?
        if let summary = state.table.summary {
            position = summary
        } else if lines.count > visible && visible > 0 {
            position = "rows \(start + 1)-\(min(lines.count, start + visible)) of \(lines.count)"
        }
        let c = columns(
            s.instances, width: rect.width,
            stateWidth: position.map { Format.width($0) + (state.table.marked == .state ? 1 : 0) } ?? 0,
            shown: state.table.columns,
            marked: state.table.marked)
        return (c, position, start)
    }

    /// The column whose head is at column `x` of the table in `rect`, if any.
    public static func column(atX x: Int, _ s: DashboardSnapshot, _ state: UIState, in rect: Rect) -> TableColumn? {
        let (c, _, _) = layout(s, state, in: rect)
        return c.heads(x: rect.x).first { x >= $0.x && x <= $0.x + $0.width }?.column
    }

    /// Draws the table; returns the number of instance rows it shows.
    @discardableResult
    public static func draw(
        _ s: DashboardSnapshot, _ state: UIState, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) -> Int {
        guard rect.height >= 1 else { return 0 }
        let rows = s.instances
        let lines = state.table.displayLines(rows.count)
        let visible = rect.height - 1
        let (c, position, start) = layout(s, state, in: rect)
        let label = CellStyle(.label)

        // Column heads, the sorted one marked with its direction (not the natural id order), with
        // the KV legend and the scroll position (or the filter) when they fit.
        let y0 = rect.y
        let mark = state.table.descending ? glyphs.arrowDown : glyphs.arrowUp
        for head in c.heads(x: rect.x) {
            var title = head.column == .trend ? "KV -\(c.trend)s..now" : head.column.title
            if head.column == .state, let position { title = position }
            let sorted = head.column == state.table.marked
            if sorted { title += mark }
            let right = head.column == .id || head.column == .run || head.column == .tokens
            let t =
                right
                ? Format.padLeft(title, head.width, ellipsis: glyphs.ellipsis)
                : Format.padRight(title, head.width, ellipsis: glyphs.ellipsis)
            let style = head.column == .state && position != nil ? CellStyle(.title) : label
            buffer.put(t, x: head.x, y: y0, sorted ? CellStyle(style.role, [.bold, .underline]) : style, clip: rect)
            guard head.column == .kv else { continue }
            let legend: [(String, CellStyle)] = [
                (String(glyphs.kvUsed), CellStyle(.kvUsed)), ("used ", label),
                (String(glyphs.kvReserved), CellStyle(.kvReserved)), ("mig ", label),
                (String(glyphs.kvCached), CellStyle(.kvCached)), ("cache ", label),
                (String(glyphs.kvFree), CellStyle(.kvFree)), ("free", label),
            ]
            let legendWidth = legend.reduce(0) { $0 + Format.width($1.0) }
            let legendX = Format.width(title) + 1
            if head.width - legendX >= legendWidth {
                var lx = head.x + legendX
                for (text, style) in legend { lx += buffer.put(text, x: lx, y: y0, style, clip: rect) }
            }
        }

        guard visible > 0 else { return 0 }
        var maxWaiting = 8
        for r in rows { maxWaiting = max(maxWaiting, r.waiting) }
        let focusedIndex = state.focusedInstance
        var shown = 0
        for line in lines[min(start, lines.count)..<min(lines.count, start + visible)] {
            let y = rect.y + 1 + shown
            switch line {
            case .row(let i):
                drawRow(
                    rows[i], focused: i == focusedIndex, c: c, maxWaiting: maxWaiting, x: rect.x, y: y, clip: rect,
                    glyphs: glyphs, into: &buffer)
            case .group(let g):
                drawGroup(g, grouping: state.table.grouping, x: rect.x, y: y, clip: rect, glyphs: glyphs, into: &buffer)
            }
            shown += 1
        }
        if lines.isEmpty && !rows.isEmpty {
            buffer.put(
                "no instance matches /\(state.table.filter) (Esc clears the filter)", x: rect.x + 2, y: rect.y + 1,
                CellStyle(.dim), clip: rect)
        }
        return visible
    }

    /// A group's head: its key, how many instances, and their load.
    static func drawGroup(
        _ g: GroupSummary, grouping: TableGrouping, x: Int, y: Int, clip: Rect, glyphs: Glyphs,
        into buffer: inout ScreenBuffer
    ) {
        let what = grouping == .gpu ? "GPU" : "model"
        let text =
            "\(what) \(g.key.isEmpty ? "-" : g.key)  \(g.instances) instance\(g.instances == 1 ? "" : "s")"
            + "  queue \(Format.count(Int64(g.waiting)))  run \(g.running)"
            + "  KV \(Int((g.kvUtilization * 100).rounded()))%  \(Format.compact(g.tokensPerSecond)) tok/s"
        buffer.fill(Rect(x: x, y: y, width: clip.maxX - x, height: 1), " ", CellStyle(.title))
        buffer.put(text, x: x + 1, y: y, CellStyle(.title), clip: clip)
    }

    static func drawRow(
        _ r: InstanceRow, focused: Bool, c: Columns, maxWaiting: Int, x x0: Int, y: Int, clip: Rect, glyphs: Glyphs,
        into buffer: inout ScreenBuffer
    ) {
        let gone = r.status == .failed || r.status == .retired
        let text = CellStyle(gone ? .dim : .normal)
        let ident = focused ? CellStyle(.focus) : text
        buffer.put(focused ? glyphs.focusMarker : " ", x: x0, y: y, focused ? CellStyle(.focus) : text, clip: clip)
        let heads = c.heads(x: x0)
        for (n, head) in heads.enumerated() {
            let x = head.x
            switch head.column {
            // The naming columns, and the space after each, carry the focus.
            case .id:
                buffer.put(
                    Format.padLeft(String(r.id), c.id, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, ident, clip: clip)
            case .gpu:
                buffer.put(
                    Format.padRight(gpuLabel(r), c.gpu, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, ident, clip: clip)
            case .model:
                buffer.put(
                    Format.padRight(r.model, c.model, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, ident, clip: clip)
            case .role:
                buffer.put(
                    Format.padRight(roleLabel(r), c.role, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, ident,
                    clip: clip)
            case .queue:
                // A bar scaled to the longest queue in the cluster, then the count.
                Draw.bar(
                    Double(r.waiting) / Double(maxWaiting), x: x, y: y, width: c.queueBar, glyphs: glyphs,
                    style: CellStyle(.queue), track: glyphs.queueEmpty, trackStyle: CellStyle(.kvFree), into: &buffer)
                buffer.put(
                    Format.padLeft(Format.count(Int64(r.waiting)), c.queueCount + 1, ellipsis: glyphs.ellipsis),
                    x: x + c.queueBar, y: y, r.waiting > 0 ? CellStyle(.queue) : text, clip: clip)
            case .run:
                buffer.put(
                    Format.padLeft(String(r.running), c.run, ellipsis: glyphs.ellipsis), x: x, y: y, text, clip: clip)
            case .kv:
                drawKV(r, gone: gone, c: c, x: x, y: y, clip: clip, glyphs: glyphs, into: &buffer)
            case .tokens:
                buffer.put(
                    Format.padLeft(gone ? "-" : Format.compact(r.tokensPerSecond), c.tokens, ellipsis: glyphs.ellipsis),
                    x: x, y: y, text, clip: clip)
            case .trend:
                Draw.sparkline(
                    r.kvTrend, low: 0, high: 1, x: x, y: y, width: c.trend, glyphs: glyphs,
                    style: { CellStyle($0 >= 0.95 ? .critical : $0 >= 0.85 ? .warn : .spark) }, into: &buffer)
            case .state:
                // The last column runs to the edge.
                let end = n == heads.count - 1 ? clip.maxX : x + head.width
                drawBadges(
                    r, x: x, y: y, clip: Rect(x: x, y: y, width: end - x, height: 1), glyphs: glyphs, into: &buffer)
            }
        }
    }

    /// KV cache: used (less what is reserved), reserved for an incoming migration, cached, free;
    /// then the percentage used.
    static func drawKV(
        _ r: InstanceRow, gone: Bool, c: Columns, x: Int, y: Int, clip: Rect, glyphs: Glyphs,
        into buffer: inout ScreenBuffer
    ) {
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
        let percent = Int((r.kvUtilization * 100).rounded())
        let kvRole: StyleRole = gone ? .dim : percent >= 95 ? .critical : percent >= 85 ? .warn : .normal
        buffer.put(
            Format.padLeft(String(percent) + "%", c.kvPercent + 1, ellipsis: glyphs.ellipsis), x: x + c.kvBar, y: y,
            CellStyle(kvRole), clip: clip)
    }

    /// Badges: status, then migrations with their direction, within `clip`.
    static func drawBadges(
        _ r: InstanceRow, x: Int, y: Int, clip: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        var bx = x
        func badge(_ t: String, _ role: StyleRole) {
            if bx > x { bx += buffer.put(" ", x: bx, y: y, clip: clip) }
            bx += buffer.put(
                Format.fit(t, max(0, clip.maxX - bx), ellipsis: glyphs.ellipsis), x: bx, y: y, CellStyle(role),
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
