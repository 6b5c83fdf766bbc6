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

        /// Each shown column's head: where it starts and how wide it is (a hidden column is 0 wide).
        func heads(x x0: Int) -> [(column: TableColumn, x: Int, width: Int)] {
            var x = x0 + 1
            var heads: [(column: TableColumn, x: Int, width: Int)] = []
            for (column, width) in [
                (TableColumn.id, id), (.gpu, gpu), (.model, model),
                (.queue, queueBar > 0 ? queueBar + 1 + queueCount : 0), (.run, run),
                (.kv, kvBar > 0 ? kvBar + 1 + kvPercent : 0), (.tokens, tokens), (.state, state),
            ] where width > 0 {
                heads.append((column, x, width))
                x += width + 1
            }
            return heads
        }
    }

    static func gpuLabel(_ row: InstanceRow) -> String {
        row.tensorParallel > 1 ? "\(row.tensorParallel)x\(row.gpu)" : row.gpu
    }

    /// `stateWidth`: the state column's width at least (room for the scroll position); `shown`:
    /// the optional columns to draw; `marked`: the column whose head carries the sort mark.
    static func columns(
        _ rows: [InstanceRow], width: Int, stateWidth: Int = 9, shown: Set<TableColumn> = Set(TableColumn.optional),
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
        var c = Columns(
            id: idWidth, gpu: gpuWidth, model: width >= 72 && shown.contains(.model) ? modelWidth : 0, queueBar: 0,
            kvBar: 0, state: max(9, stateWidth))
        if !shown.contains(.queue) { c.queueCount = 0 }
        if !shown.contains(.run) { c.run = 0 }
        if !shown.contains(.kv) { c.kvPercent = 0 }
        if !shown.contains(.tokens) { c.tokens = 0 }
        // The state column also carries the badges; hidden, it keeps only the scroll position.
        if !shown.contains(.state) { c.state = stateWidth }
        func room(_ w: Int) -> Int { w > 0 ? w + 1 : 0 }
        // marker, id, gpu, model, queue bar, count, run, kv bar, percent, tokens, state, with spaces between
        let fixed =
            1 + c.id + 1 + c.gpu + 1 + room(c.model) + (c.queueCount > 0 ? 1 + c.queueCount + 1 : 0) + room(c.run)
            + (c.kvPercent > 0 ? 1 + c.kvPercent + 1 : 0) + room(c.tokens) + c.state
        let flexible = max(0, width - fixed)
        let bars = (c.queueCount > 0 ? 1 : 0) + (c.kvPercent > 0 ? 1 : 0)
        if bars == 2 {
            c.queueBar = max(3, min(40, flexible / 3))
            c.kvBar = max(4, flexible - c.queueBar)
        } else if c.queueCount > 0 {
            c.queueBar = max(3, flexible)
        } else if c.kvPercent > 0 {
            c.kvBar = max(4, flexible)
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
            var title = head.column.title
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
        var x = x0
        buffer.put(focused ? glyphs.focusMarker : " ", x: x, y: y, CellStyle(.focus, focused ? [] : []), clip: clip)
        if !focused { buffer.put(" ", x: x, y: y, text, clip: clip) }
        x += 1
        let idText =
            Format.padLeft(String(r.id), c.id, ellipsis: glyphs.ellipsis) + " "
            + Format.padRight(gpuLabel(r), c.gpu, ellipsis: glyphs.ellipsis) + " "
            + (c.model > 0 ? Format.padRight(r.model, c.model, ellipsis: glyphs.ellipsis) + " " : "")
        x += buffer.put(idText, x: x, y: y, ident, clip: clip)

        // Waiting queue: a bar scaled to the longest queue in the cluster, then the count.
        if c.queueCount > 0 {
            Draw.bar(
                Double(r.waiting) / Double(maxWaiting), x: x, y: y, width: c.queueBar, glyphs: glyphs,
                style: CellStyle(.queue), track: glyphs.queueEmpty, trackStyle: CellStyle(.kvFree), into: &buffer)
            x += c.queueBar
            buffer.put(
                Format.padLeft(Format.count(Int64(r.waiting)), c.queueCount + 1, ellipsis: glyphs.ellipsis), x: x, y: y,
                r.waiting > 0 ? CellStyle(.queue) : text, clip: clip)
            x += c.queueCount + 2
        }
        if c.run > 0 {
            buffer.put(
                Format.padLeft(String(r.running), c.run, ellipsis: glyphs.ellipsis), x: x, y: y, text, clip: clip)
            x += c.run + 1
        }

        // KV cache: used (less what is reserved), reserved for an incoming migration, cached, free.
        if c.kvPercent > 0 {
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
        }
        if c.tokens > 0 {
            buffer.put(
                Format.padLeft(gone ? "-" : Format.compact(r.tokensPerSecond), c.tokens, ellipsis: glyphs.ellipsis),
                x: x,
                y: y, text, clip: clip)
            x += c.tokens + 1
        }
        guard c.state > 0 else { return }

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
    }

    static func migrationTargets(_ ids: [Int32]) -> String {
        ids.count == 1 ? String(ids[0]) : String(ids[0]) + "+\(ids.count - 1)"
    }
}
