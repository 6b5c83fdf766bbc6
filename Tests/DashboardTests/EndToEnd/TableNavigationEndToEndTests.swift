import Foundation
import Testing

/// The instance table's navigation in the real binary under tmux: a sort key brings the most
/// loaded instance to the top, `/` narrows the rows, a click on a head sorts, and the setup
/// screen writes the settings file that the next start honours.
extension TmuxEndToEndTests {
    /// The table's rows on `screen`: (id, GPU, waiting) of each, in order.
    static func tableRows(_ screen: String) -> [(id: Int, gpu: String, waiting: Double)] {
        screen.split(separator: "\n").compactMap { line in
            let tokens = line.replacingOccurrences(of: "▸", with: " ").split(separator: " ").map(String.init)
            guard tokens.count >= 6, let id = Int(tokens[0]), tokens[2].hasPrefix("llama") else { return nil }
            let count = tokens[4]
            let waiting = count.hasSuffix("k") ? (Double(count.dropLast()) ?? 0) * 1000 : Double(count)
            return waiting.map { (id, tokens[1], $0) }
        }
    }

    @Test func sortFilterClickAndSetupUnderTmux() throws {
        let config = NSTemporaryDirectory() + "clustertop-e2e-config-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: config) }
        let command = "env XDG_CONFIG_HOME=\(config) " + TmuxEndToEndTests.command("watch large-64 --seed 1 --speed 20")
        let t = try prepare()
        defer { t.kill() }
        // Tall enough for all 64 rows.
        t.start(command, width: 130, height: 80)
        _ = try t.wait(for: "KV CACHE")

        // A strong spike, then paused: the queues differ and hold still.
        t.keys("]", "]", "]", "s")
        _ = try t.wait("the queues to grow", timeout: 60) {
            (TmuxEndToEndTests.number(after: "queued", in: $0) ?? 0) >= 500
        }
        t.keys("Space")
        // Whole frames only (a capture taken mid-redraw under load can hold part of a table), and
        // a table that holds still: the header says PAUSED as soon as the key is read, and under
        // load the simulation may take a frame or two more to stop.
        var previous: [Double] = []
        let paused = try t.wait("the paused table to hold still", timeout: 15) { screen in
            let waiting = TmuxEndToEndTests.tableRows(screen).map(\.waiting)
            defer {
                previous = waiting
                usleep(200_000)
            }
            return screen.contains("PAUSED") && waiting.count == 64 && waiting == previous
        }
        let rows = TmuxEndToEndTests.tableRows(paused)
        #expect(rows.count == 64, "\(paused)")
        let most = try #require(rows.max { $0.waiting < $1.waiting || ($0.waiting == $1.waiting && $0.id > $1.id) })

        // > three times: GPU, model, then the waiting queue, largest first.
        t.keys(">", ">", ">")
        // The frame that shows it: a capture taken mid-redraw can hold the new header over rows
        // not yet rewritten (a table that never sorts times out here, with the screen).
        let sorted = try t.wait("the table sorted by queue", timeout: 15) { screen in
            let waiting = TmuxEndToEndTests.tableRows(screen).map(\.waiting)
            return screen.contains("QUEUE↓") && waiting.count == 64 && waiting == waiting.sorted(by: >)
        }
        let first = try #require(TmuxEndToEndTests.tableRows(sorted).first)
        #expect(first.id == most.id && first.waiting == most.waiting, "\(sorted)")
        #expect(TmuxEndToEndTests.tableRows(sorted).map(\.waiting) == rows.map(\.waiting).sorted(by: >))

        // / filter: only the a100 rows, and the head says how many of how many.
        t.keys("/", "a", "1", "0", "0", "Enter")
        // As for the sort: the whole filtered frame, not a header drawn over old rows.
        let filtered = try t.wait("the a100 rows alone", timeout: 15) { screen in
            let rows = TmuxEndToEndTests.tableRows(screen)
            return screen.contains("/a100 16 of 64") && rows.count == 16 && rows.allSatisfy { $0.gpu == "a100-80g" }
        }
        let shown = TmuxEndToEndTests.tableRows(filtered)
        #expect(shown.count == 16 && shown.allSatisfy { $0.gpu == "a100-80g" }, "\(filtered)")
        #expect(filtered.contains("Esc clear filter"))
        t.keys("Escape")
        _ = try t.wait("the filter to clear", timeout: 15) {
            !$0.contains("/a100") && TmuxEndToEndTests.tableRows($0).count == 64
        }

        // A click on the KV CACHE head (xterm SGR mouse report, as tmux passes it on) sorts by it.
        #expect(t.display("#{mouse_any_flag}") == "1")
        let head = try #require(sorted.split(separator: "\n").first { $0.contains("KV CACHE") }.map(String.init))
        let column = head.distance(from: head.startIndex, to: try #require(head.range(of: "KV CACHE")).lowerBound)
        let line = sorted.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
            $0.contains("KV CACHE")
        }
        let y = try #require(line) + 1
        t.run(["send-keys", "-t", t.session, "-l", "\u{1b}[<0;\(column + 2);\(y)M\u{1b}[<0;\(column + 2);\(y)m"])
        _ = try t.wait(for: "KV CACHE↓", timeout: 15)

        // Setup: sort by the next column after KV (tokens), grouped by GPU; saved.
        t.keys("F2", "Down", "Down", "Down", "Right", "Down", "Down", "Right", "w")
        _ = try t.wait(for: "saved to ", timeout: 15)
        let written = try String(contentsOfFile: config + "/clustertop/config.yaml", encoding: .utf8)
        #expect(written.contains("sort: tokens") && written.contains("group: gpu"), "\(written)")
        t.keys("Escape", "q")
        try checkRestored(t)
        #expect(t.display("#{mouse_any_flag}") == "0", "mouse reporting left on")
        t.kill()

        // The next start honours the file.
        let u = try prepare()
        defer { u.kill() }
        u.start(command, width: 130, height: 80)
        let again = try u.wait("the saved sort and grouping") {
            $0.contains("TOK/S↓") && $0.contains("GPU a100-80g  16 instances")
        }
        #expect(again.contains("KV CACHE"), "\(again)")
        u.keys("q")
        try checkRestored(u)
    }
}
