import ClusterSim

/// The event log over the whole body of the screen, newest at the bottom: it follows new lines
/// until scrolled up (k, PgUp, Home), and follows again at the bottom (End).
public enum EventLogOverlay {
    public static let id = PanelID("eventLog")
    static let panel = Panel(id, .overlay(.eventLog, .body)) { c, buffer in
        draw(c.snapshot, scroll: c.state.logScroll, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    /// Log lines the overlay in `area` shows at once.
    public static func visibleRows(in area: Rect) -> Int { max(0, area.height - 2) }

    /// How far the log can scroll up from its newest line.
    public static func maxScroll(_ s: DashboardSnapshot, in area: Rect) -> Int {
        max(0, s.log.count - visibleRows(in: area))
    }

    public static func draw(
        _ s: DashboardSnapshot, scroll: Int, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        let rows = visibleRows(in: area)
        let scroll = max(0, min(scroll, maxScroll(s, in: area)))
        let end = s.log.count - scroll
        let start = max(0, end - rows)
        let where_ =
            scroll == 0
            ? "following" : "lines \(start + 1)-\(end) of \(s.log.count), \(scroll) newer below"
        Draw.box(area, title: "Event log: \(where_) (e or Esc closes)", glyphs: glyphs, into: &buffer)
        let inner = area.inset(1)
        guard !inner.isEmpty else { return }
        for (i, line) in s.log[start..<end].enumerated() {
            let y = inner.y + i
            let x =
                inner.x + 1
                + buffer.put(Time.clock(line.time) + " ", x: inner.x + 1, y: y, CellStyle(.dim), clip: inner)
            buffer.put(line.text, x: x, y: y, CellStyle(EventLogWidget.role(line.kind)), clip: inner)
        }
        let keys = " \(glyphs.arrowUp)\(glyphs.arrowDown) j/k PgUp/PgDn Home/End "
        buffer.putRight(keys, maxX: area.maxX - 2, y: area.maxY - 1, CellStyle(.title))
    }
}

/// The prompt `T` opens in a replay: the time to go to, typed in seconds or m:ss.
public enum SeekPromptOverlay {
    public static let id = PanelID("seekPrompt")
    static let panel = Panel(id, .overlay(.seekPrompt, .body)) { c, buffer in
        draw(c.snapshot, c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(
        _ s: DashboardSnapshot, _ state: UIState, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        let width = min(area.width, 50), height = min(area.height, 6)
        let rect = area.centered(width: width, height: height)
        Draw.box(rect, title: "Go to time", glyphs: glyphs, into: &buffer)
        let inner = rect.inset(1)
        let length = s.replayLength.map { " of " + TextFormat.fixed(Time.toSeconds($0), 1) + " s" } ?? ""
        let rows: [[(String, CellStyle)]] = [
            [
                ("time ", CellStyle(.dim)), (state.seekText + "_", CellStyle(.normal, [.bold])),
                ("  s or m:ss", CellStyle(.dim)),
            ],
            [("now  ", CellStyle(.dim)), (TextFormat.fixed(Time.toSeconds(s.now), 1) + " s" + length, .normal)],
            [],
            [("\(glyphs.enterKey) go  Esc cancel", CellStyle(.dim))],
        ]
        for (i, row) in rows.enumerated() where inner.y + i < inner.maxY {
            var x = inner.x + 1
            for (t, st) in row { x += buffer.put(t, x: x, y: inner.y + i, st, clip: inner) }
        }
    }
}
