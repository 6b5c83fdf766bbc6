/// What `clustertop scenarios` prints: each scenario once, with its header summary wrapped to
/// the terminal's width without losing a word.
public enum ScenarioList {
    /// The scenario files to list among `files` (names ending in .yaml), without those named like a
    /// built-in: `run NAME` finds the built-in first, so it is listed once, as the built-in.
    public static func files(_ files: [String]) -> [String] {
        files.filter { $0.hasSuffix(".yaml") && !BuiltinScenarios.names.contains(String($0.dropLast(5))) }.sorted()
    }

    /// The scenario's header summary: its first comment paragraph (a sentence may run over two
    /// comment lines) without the "name:" lead; nil when the text has no header comment.
    public static func headline(_ text: String, name: String) -> String? {
        var words: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("# ") else { break }
            words += line.dropFirst(2).split(separator: " ")
        }
        if words.first == "\(name):" { words.removeFirst() }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// Rows of (name, text) as lines of at most `columns` characters: names padded to a column
    /// (at most 28 wide), texts wrapped at spaces with continuation lines under the text; a word
    /// longer than the room stays whole on its own line.
    public static func lines(_ rows: [(name: String, text: String)], columns: Int = 80) -> [String] {
        let width = min(28, rows.map(\.name.count).max() ?? 0)
        var lines: [String] = []
        for (name, text) in rows {
            var line = name.fitted(to: width) + "  "
            var lineHasWord = false
            for word in text.split(separator: " ") {
                if lineHasWord && line.count + 1 + word.count > columns {
                    lines.append(line)
                    line = String(repeating: " ", count: width + 2)
                    lineHasWord = false
                }
                line += (lineHasWord ? " " : "") + word
                lineHasWord = true
            }
            lines.append(line)
        }
        return lines
    }
}
