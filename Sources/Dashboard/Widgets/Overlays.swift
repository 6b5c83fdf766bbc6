import ClusterSim

/// The help screen, generated from the key table (k9s), with the legend of bars and badges.
public enum HelpOverlay {
    public static let id = PanelID("help")
    static let panel = Panel(id, .overlay(.help, .body)) { c, buffer in
        draw(in: c.rect, scroll: c.state.helpScroll, glyphs: c.glyphs, replay: c.state.isReplay, into: &buffer)
    }

    /// The help's lines: keys, text, and whether the line is a section title.
    static func lines(_ glyphs: Glyphs, replay: Bool = false) -> [(String, String, Bool)] {
        var lines: [(String, String, Bool)] = []
        for section in KeyTable.helpSections(glyphs, replay: replay) {
            lines.append(("", section.title, true))
            for row in section.rows { lines.append((row.keys, row.text, false)) }
        }
        lines.append(("", "Legend", true))
        lines.append(
            (
                "KV bar",
                "\(glyphs.kvUsed) used \(glyphs.kvReserved) migrating in \(glyphs.kvCached) cached \(glyphs.kvFree) free",
                false
            ))
        lines.append(("MIG\(glyphs.arrowRight)n", "sending a request's KV to n", false))
        lines.append(("MIG\(glyphs.arrowLeft)n", "receiving from n", false))
        lines.append(("states", "DRAIN FAILED START RETIRED", false))
        lines.append(("BEHIND", "the simulator is slower than asked", false))
        return lines
    }

    /// Newspaper columns inside the box: two when wide enough.
    static func columns(_ inner: Rect) -> Int { inner.width >= 96 ? 2 : 1 }

    /// The largest useful scroll offset of the help drawn in `area` (the glyphs change no count).
    public static func maxScroll(in area: Rect, replay: Bool = false) -> Int {
        let inner = area.inset(1)
        guard !inner.isEmpty else { return 0 }
        return max(0, lines(.ascii, replay: replay).count - inner.height * columns(inner))
    }

    /// Draws the help; returns the largest useful scroll offset.
    @discardableResult
    public static func draw(
        in area: Rect, scroll: Int, glyphs: Glyphs, replay: Bool = false, into buffer: inout ScreenBuffer
    ) -> Int {
        let rect = area
        Draw.box(rect, title: "Keys (Esc or ? closes)", glyphs: glyphs, into: &buffer)
        let inner = rect.inset(1)
        guard !inner.isEmpty else { return 0 }
        let lines = Self.lines(glyphs, replay: replay)
        // The flow scrolls by `scroll` lines.
        let columns = Self.columns(inner)
        let columnWidth = (inner.width - 2 * (columns - 1)) / columns
        let page = inner.height * columns
        let first = max(0, min(scroll, lines.count - page))
        let keyWidth = 12
        for k in 0..<page {
            let i = first + k
            guard i < lines.count else { break }
            let x = inner.x + (k / inner.height) * (columnWidth + 2)
            let y = inner.y + k % inner.height
            let clip = Rect(x: x, y: y, width: columnWidth, height: 1)
            let line = lines[i]
            if line.2 {
                buffer.put(line.1, x: x, y: y, CellStyle(.title), clip: clip)
            } else {
                buffer.put(
                    Format.padLeft(line.0, keyWidth - 1, ellipsis: glyphs.ellipsis), x: x, y: y,
                    CellStyle(.label, [.bold]), clip: clip)
                buffer.put(line.1, x: x + keyWidth, y: y, .normal, clip: clip)
            }
        }
        if first + page < lines.count || first > 0 {
            let more = (first > 0 ? glyphs.arrowUp : "") + (first + page < lines.count ? glyphs.arrowDown : "")
            buffer.putRight(" \(more) j/k scroll ", maxX: rect.maxX - 2, y: rect.maxY - 1, CellStyle(.title))
        }
        return max(0, lines.count - page)
    }
}

/// The details of one instance: its KV blocks, its counters, its waiting queue and its running
/// requests with their KV blocks.
public enum DetailOverlay {
    public static let id = PanelID("details")
    /// Over the bottom band when it is tall enough, else over the table too.
    static let panel = Panel(id, .overlay(.details, .bottom(minimumHeight: 14))) { c, buffer in
        draw(c.snapshot, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(_ s: DashboardSnapshot, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard let d = s.detail else {
            Draw.box(area, title: "Instance", glyphs: glyphs, into: &buffer)
            buffer.put("loading...", x: area.x + 2, y: area.y + 1, CellStyle(.dim))
            return
        }
        let r = d.row
        let status = "\(r.status)"
        Draw.box(
            area,
            title:
                "instance \(r.id) \(glyphs.horizontal) \(InstanceTableWidget.gpuLabel(r)) \(r.model) \(status) (Esc closes)",
            glyphs: glyphs, into: &buffer)
        let inner = area.inset(1)
        guard inner.height >= 2 else { return }
        let label = CellStyle(.dim)
        var y = inner.y
        func line(_ parts: [(String, CellStyle)]) {
            guard y < inner.maxY else { return }
            var x = inner.x + 1
            for (t, st) in parts { x += buffer.put(t, x: x, y: y, st, clip: inner) }
            y += 1
        }
        let free = Int(r.kvTotal) - Int(r.kvUsed)
        line([
            ("GPU ", label), (d.gpuName + (r.tensorParallel > 1 ? " x\(r.tensorParallel)" : ""), .normal),
            ("  busy ", label), (Format.percent(d.busyShare, decimals: 0), .normal),
            ("  tok/s ", label), (Format.compact(r.tokensPerSecond), .normal), ("  preemptions ", label),
            ("\(r.preemptions)", .normal),
        ])
        line([
            ("KV ", label), ("\(r.kvUsed)/\(r.kvTotal)", CellStyle(.normal, [.bold])), (" blocks ", label),
            (Format.percent(r.kvUtilization), .normal), (": reserved ", label),
            ("\(r.kvReserved)", CellStyle(.kvReserved)),
            (", cached ", label), ("\(r.kvCached)", CellStyle(.kvCached)), (", free ", label), ("\(free)", .normal),
        ])
        if let cpu = r.cpuTier {
            line([
                ("CPU tier ", label),
                ("\(cpu.prefixBlocks + cpu.swapBlocks)/\(cpu.total)", CellStyle(.normal, [.bold])),
                (" blocks ", label), (Format.percent(cpu.utilization), .normal), (": prefixes ", label),
                ("\(cpu.prefixBlocks)", CellStyle(.kvCached)), (", swapped ", label), ("\(cpu.swapBlocks)", .normal),
                ("  loaded ", label), (Format.count(cpu.loadedBlocks), .normal), ("  offloaded ", label),
                (Format.count(cpu.offloadedBlocks), .normal), ("  swap-outs ", label), ("\(cpu.swapOuts)", .normal),
            ])
        }
        line([
            ("iterations ", label), (Format.count(d.iterations), .normal), ("  tokens ", label),
            (Format.count(d.tokensGenerated), .normal),
            ("  this batch ", label), ("\(d.batchRequests) req / \(d.batchTokens) tok", .normal),
        ])
        if let spec = d.speculative {
            line([
                ("speculative ", label), ("\(spec.method) k=\(spec.tokens)", .normal), ("  acceptance ", label),
                (spec.acceptanceRate.map { Format.percent($0) } ?? "-", CellStyle(.normal, [.bold])),
                ("  mean length ", label), (spec.meanAcceptanceLength.map { Report.number($0, 2) } ?? "-", .normal),
                ("  accepted ", label),
                ("\(Format.count(spec.acceptedTokens))/\(Format.count(spec.draftTokens))", .normal),
            ])
        }
        if y < inner.maxY && r.kvTotal > 0 {
            let reserved = Double(max(0, min(r.kvReserved, r.kvUsed)))
            let cached = Double(max(0, min(r.kvCached, r.kvTotal - r.kvUsed)))
            Draw.segments(
                [
                    (Double(r.kvUsed) - reserved, glyphs.kvUsed, CellStyle(.kvUsed)),
                    (reserved, glyphs.kvReserved, CellStyle(.kvReserved)),
                    (cached, glyphs.kvCached, CellStyle(.kvCached)),
                    (max(0, Double(free) - cached), glyphs.kvFree, CellStyle(.kvFree)),
                ], total: Double(r.kvTotal), x: inner.x + 1, y: y, width: inner.width - 2, into: &buffer)
        }
        y += 1
        guard y < inner.maxY else { return }
        let lists = Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y)
        if lists.width >= 96 {
            let half = lists.width / 2
            let (left, rest) = lists.splitLeft(half)
            requests("Running \(r.running)", d.running, running: true, in: left, glyphs: glyphs, into: &buffer)
            requests("Waiting \(r.waiting)", d.waiting, running: false, in: rest, glyphs: glyphs, into: &buffer)
        } else {
            let runningRows = min(lists.height / 2 + 1, 1 + max(1, d.running.count))
            let (top, bottom) = lists.splitTop(max(2, runningRows))
            requests("Running \(r.running)", d.running, running: true, in: top, glyphs: glyphs, into: &buffer)
            requests("Waiting \(r.waiting)", d.waiting, running: false, in: bottom, glyphs: glyphs, into: &buffer)
        }
    }

    static func requests(
        _ title: String, _ list: [InstanceDetail.RequestLine], running: Bool, in rect: Rect, glyphs: Glyphs,
        into buffer: inout ScreenBuffer
    ) {
        guard rect.height >= 1 else { return }
        let inner = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: rect.height)
        let header =
            running
            ? "request  tenant    prompt  gen/out    KV blk     age"
            : "request  tenant    prompt  output               age"
        buffer.put(title, x: inner.x, y: inner.y, CellStyle(.title), clip: inner)
        buffer.put(header, x: inner.x + Format.width(title) + 2, y: inner.y, CellStyle(.label), clip: inner)
        var y = inner.y + 1
        if list.isEmpty && y < inner.maxY {
            buffer.put("(none)", x: inner.x, y: y, CellStyle(.dim), clip: inner)
            return
        }
        for (i, q) in list.enumerated() {
            guard y < inner.maxY else { break }
            if y == inner.maxY - 1 && i < list.count - 1 {
                buffer.put(
                    glyphs.ellipsis + " \(list.count - i) more shown of the first \(InstanceDetail.listLimit)",
                    x: inner.x, y: y, CellStyle(.dim), clip: inner)
                break
            }
            var text =
                Format.padRight("r\(q.serial)", 9, ellipsis: glyphs.ellipsis)
                + Format.padRight(q.tenant, 9, ellipsis: glyphs.ellipsis)
                + Format.padLeft(String(q.promptTokens), 7, ellipsis: glyphs.ellipsis)
            if running {
                text +=
                    "  " + Format.padRight("\(q.generatedTokens)/\(q.outputTokens)", 10, ellipsis: glyphs.ellipsis)
                    + Format.padLeft(String(q.blocks), 6, ellipsis: glyphs.ellipsis)
            } else {
                text += "  " + Format.padRight(String(q.outputTokens), 10, ellipsis: glyphs.ellipsis) + "      "
            }
            text += "  " + Format.padLeft(Format.fixed(q.ageSeconds, 1) + "s", 6, ellipsis: glyphs.ellipsis)
            if q.preemptions > 0 { text += " pre \(q.preemptions)" }
            buffer.put(text, x: inner.x, y: y, .normal, clip: inner)
            y += 1
        }
    }
}

/// Pick any global or local policy from a list.
public enum PolicyPickerOverlay {
    public static let id = PanelID("policyPicker")
    static let panel = Panel(id, .overlay(.policyPicker, .body)) { c, buffer in
        draw(c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(_ state: UIState, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        let rows = state.globalPolicies.count + state.localPolicies.count + 5
        let names = state.globalPolicies.map(\.rawValue) + state.localPolicies.map(\.rawValue)
        let width = min(area.width, max(44, (names.map(\.count).max() ?? 10) + 16))
        let rect = area.centered(width: width, height: rows)
        Draw.box(rect, title: "Switch policy", glyphs: glyphs, into: &buffer)
        let inner = rect.inset(1)
        var y = inner.y
        var index = 0
        func group(_ title: String, _ ids: [some PolicyID], current: String) {
            guard y < inner.maxY else { return }
            buffer.put(title, x: inner.x + 1, y: y, CellStyle(.title), clip: inner)
            y += 1
            for id in ids where y < inner.maxY {
                let selected = index == state.pickerSelection
                let mark = id.rawValue == current ? "(now) " : ""
                let text = (selected ? String(glyphs.focusMarker) : " ") + " " + id.rawValue + "  " + mark
                buffer.put(
                    Format.padRight(text, inner.width - 2, ellipsis: glyphs.ellipsis), x: inner.x + 1, y: y,
                    selected ? CellStyle(.focus) : .normal, clip: inner)
                y += 1
                index += 1
            }
        }
        group("Global (dispatch)", state.globalPolicies, current: state.globalPolicy)
        group("Local (batching)", state.localPolicies, current: state.localPolicy)
        if y < inner.maxY {
            buffer.put(
                "\(glyphs.arrowUp)\(glyphs.arrowDown) choose  \(glyphs.enterKey) switch  Esc close", x: inner.x + 1,
                y: inner.maxY - 1, CellStyle(.dim), clip: inner)
        }
    }
}

/// Set the size and length of a load spike before firing it.
public enum SpikeEditorOverlay {
    public static let id = PanelID("spikeEditor")
    static let panel = Panel(id, .overlay(.spikeEditor, .body)) { c, buffer in
        draw(c.snapshot, c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(
        _ s: DashboardSnapshot?, _ state: UIState, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        let width = min(area.width, 50), height = min(area.height, 8)
        let rect = area.centered(width: width, height: height)
        Draw.box(rect, title: "Load spike", glyphs: glyphs, into: &buffer)
        let inner = rect.inset(1)
        let factor = Format.fixed(state.spikeFactor, state.spikeFactor == state.spikeFactor.rounded() ? 0 : 1)
        let left = glyphs.isUnicode ? "◀" : "<", right = glyphs.isUnicode ? "▶" : ">"
        let rows: [[(String, CellStyle)]] = [
            [
                ("size    ", CellStyle(.dim)), ("\(left) x\(factor) \(right)", CellStyle(.warn)),
                ("   \(glyphs.isUnicode ? "←/→" : "Left/Right")", CellStyle(.dim)),
            ],
            [
                ("length  ", CellStyle(.dim)),
                ("\(left) \(Format.fixed(state.spikeSeconds, 0)) s \(right)", CellStyle(.warn)),
                ("   \(glyphs.isUnicode ? "↑/↓" : "Up/Down")", CellStyle(.dim)),
            ],
            s.map {
                [
                    ("rate    ", CellStyle(.dim)),
                    (
                        Format.fixed($0.nominalArrivalRate, 1) + "/s " + glyphs.arrowRight + " "
                            + Format.fixed($0.nominalArrivalRate * state.spikeFactor, 1) + "/s", .normal
                    ),
                ]
            } ?? [],
            [],
            [("\(glyphs.enterKey) fire  Esc cancel", CellStyle(.dim))],
        ]
        for (i, row) in rows.enumerated() where inner.y + i < inner.maxY {
            var x = inner.x + 1
            for (t, st) in row { x += buffer.put(t, x: x, y: inner.y + i, st, clip: inner) }
        }
    }
}

/// Shown instead of the dashboard when the terminal is smaller than the minimum (btop's rule).
public enum TooSmallWidget {
    public static func draw(
        width: Int, height: Int, minimumWidth: Int, minimumHeight: Int, into buffer: inout ScreenBuffer
    ) {
        let lines: [[(String, CellStyle)]] = [
            [("Terminal too small", CellStyle(.warn))],
            [
                ("have ", .normal),
                ("\(width)x\(height)", CellStyle(width < minimumWidth || height < minimumHeight ? .critical : .ok)),
                (", need at least ", .normal), ("\(minimumWidth)x\(minimumHeight)", CellStyle(.ok)),
            ],
            [("enlarge the window, or press q to quit", CellStyle(.dim))],
        ]
        let top = max(0, (height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let w = line.reduce(0) { $0 + Format.width($1.0) }
            var x = max(0, (width - w) / 2)
            for (t, st) in line { x += buffer.put(t, x: x, y: top + i, st) }
        }
    }
}
