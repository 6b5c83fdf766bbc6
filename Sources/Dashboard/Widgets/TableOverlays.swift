import ClusterSim

/// The sort-by list (F6, as htop's): every column, the current one marked with its direction.
public enum SortPickerOverlay {
    public static let id = PanelID("sortPicker")
    static let panel = Panel(id, .overlay(.sortPicker, .body)) { c, buffer in
        draw(c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(_ state: UIState, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        let columns = TableColumn.sortable
        let rows = columns.count + 3
        let width = min(area.width, 48)
        let rect = area.centered(width: width, height: rows)
        Draw.box(rect, title: "Sort by", glyphs: glyphs, into: &buffer)
        let inner = rect.inset(1)
        for (i, column) in columns.enumerated() where inner.y + i < inner.maxY - 1 {
            let selected = i == state.table.pickerSelection
            var text =
                (selected ? String(glyphs.focusMarker) : " ") + " " + Format.padRight(column.title, 9, ellipsis: "")
                + column.label
            if column == state.table.sort {
                text += " " + (state.table.descending ? glyphs.arrowDown : glyphs.arrowUp)
            }
            buffer.put(
                Format.padRight(text, inner.width - 2, ellipsis: glyphs.ellipsis), x: inner.x + 1, y: inner.y + i,
                selected ? CellStyle(.focus) : .normal, clip: inner)
        }
        buffer.put(
            "\(glyphs.arrowUp)\(glyphs.arrowDown) choose  \(glyphs.enterKey) sort (again: invert)  Esc close",
            x: inner.x + 1, y: inner.maxY - 1, CellStyle(.dim), clip: inner)
    }
}

/// The setup screen (F2, as htop's): speed, colours, mouse, sort, grouping and the shown
/// columns; `w` writes them to the settings file.
public enum SetupOverlay {
    public static let id = PanelID("setup")
    static let panel = Panel(id, .overlay(.setup, .body)) { c, buffer in
        draw(c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    /// A setup line's name and current value.
    static func text(_ line: SetupState.Line, _ state: UIState) -> (String, String) {
        switch line {
        case .speed: ("Speed", Format.speed(state.speed))
        case .colors:
            (
                "Colours",
                state.setup.colors == .basic
                    ? "8 colours (next start)" : "\(state.setup.colors.rawValue) (next start)"
            )
        case .mouse: ("Mouse", (state.setup.mouse ? "on" : "off") + " (next start)")
        case .sort: ("Sort by", state.table.sort.label)
        case .order: ("Order", state.table.descending ? "descending" : "ascending")
        case .grouping: ("Group by", state.table.grouping.rawValue)
        case .column(let c): ("Column " + c.title, state.table.columns.contains(c) ? "shown" : "hidden")
        }
    }

    public static func draw(_ state: UIState, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        let lines = SetupState.lines
        let rows = lines.count + 5
        let width = min(area.width, 64)
        let rect = area.centered(width: width, height: rows)
        Draw.box(rect, title: "Setup (Esc closes)", glyphs: glyphs, into: &buffer)
        let inner = rect.inset(1)
        let left = glyphs.isUnicode ? "◀" : "<", right = glyphs.isUnicode ? "▶" : ">"
        for (i, line) in lines.enumerated() where inner.y + i < inner.maxY - 2 {
            let selected = i == state.setup.selection
            let (name, value) = text(line, state)
            let body =
                (selected ? String(glyphs.focusMarker) : " ") + " " + Format.padRight(name, 16, ellipsis: "")
                + (selected ? "\(left) \(value) \(right)" : "  \(value)")
            buffer.put(
                Format.padRight(body, inner.width - 2, ellipsis: glyphs.ellipsis), x: inner.x + 1, y: inner.y + i,
                selected ? CellStyle(.focus) : .normal, clip: inner)
        }
        let status = state.setup.message ?? "writes " + (state.setup.path ?? "(no HOME: cannot save)")
        buffer.put(
            Format.fit(status, inner.width - 2, ellipsis: glyphs.ellipsis), x: inner.x + 1, y: inner.maxY - 2,
            CellStyle(state.setup.message?.hasPrefix("cannot") == true ? .critical : .dim), clip: inner)
        buffer.put(
            "\(glyphs.arrowUp)\(glyphs.arrowDown) choose  \(left)\(right) change  w save  Esc close", x: inner.x + 1,
            y: inner.maxY - 1, CellStyle(.dim), clip: inner)
    }
}

/// The `/` prompt on the hint bar while the filter is typed: the text, how many instances it
/// keeps, and the keys.
public enum FilterPromptWidget {
    public static func draw(_ state: UIState, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        var x = rect.x
        x += buffer.put("Filter: ", x: x, y: rect.y, CellStyle(.hintKey), clip: rect)
        x += buffer.put(" " + state.table.filter, x: x, y: rect.y, CellStyle(.normal, [.bold]), clip: rect)
        x += buffer.put("_", x: x, y: rect.y, CellStyle(.normal, [.reverse]), clip: rect)
        let count = "  \(state.table.order.count) of \(state.table.total)  "
        x += buffer.put(count, x: x, y: rect.y, CellStyle(.title), clip: rect)
        buffer.put(
            "\(glyphs.enterKey) keep  Esc cancel  ^U clear  words: h100 model:llama state:drain !gpu:a100", x: x,
            y: rect.y, CellStyle(.dim), clip: rect)
    }
}
