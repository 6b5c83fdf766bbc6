import ClusterSim
import Testing

@testable import Dashboard

/// Golden screens at 80x24 and 120x40 (and the overlays, the 64-instance table, ASCII and the
/// too-small notice) from fixed snapshots. RECORD_GOLDEN=1 re-records them.
@Suite struct GoldenScreenTests {
    func check(_ name: String, _ buffer: ScreenBuffer) {
        if let problem = Golden.check(name, buffer.text) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test func main80x24() {
        let s = Fixtures.snapshot()
        let frame = Fixtures.render(s, Fixtures.state(for: s, focus: 1), width: 80, height: 24)
        check("main-80x24.txt", frame)
        // The style plane apart: colours may change without churning the text golden.
        let styles = (0..<frame.height).map(frame.styleRow).joined(separator: "\n")
        if let problem = Golden.check("main-80x24.style.txt", styles) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test func main120x40() {
        let s = Fixtures.snapshot(paused: true)
        check("main-120x40.txt", Fixtures.render(s, Fixtures.state(for: s), width: 120, height: 40))
    }

    /// A replay: the badge, the position in the recording, and only the keys that work in it.
    @Test func replay100x30() {
        var s = Fixtures.snapshot(paused: true)
        s.isReplay = true
        s.replayLength = Time.seconds(600)
        s.recording = .unavailable("replaying")
        check("replay-100x30.txt", Fixtures.render(s, Fixtures.state(for: s), width: 100, height: 30))
        s.finished = true
        s.now = Time.seconds(600)
        check("replay-end-100x30.txt", Fixtures.render(s, Fixtures.state(for: s), width: 100, height: 30))
    }

    @Test func eventLog80x24() {
        let s = Fixtures.snapshot()
        check("log-80x24.txt", Fixtures.render(s, Fixtures.state(for: s, overlay: .eventLog), width: 80, height: 24))
    }

    @Test func ascii80x24() {
        let s = Fixtures.snapshot()
        check("ascii-80x24.txt", Fixtures.render(s, Fixtures.state(for: s), width: 80, height: 24, glyphs: .ascii))
    }

    @Test func help80x24And120x40() {
        let s = Fixtures.snapshot()
        check("help-80x24.txt", Fixtures.render(s, Fixtures.state(for: s, overlay: .help), width: 80, height: 24))
        check("help-120x40.txt", Fixtures.render(s, Fixtures.state(for: s, overlay: .help), width: 120, height: 40))
    }

    @Test func details120x40() {
        let s = Fixtures.snapshot(detail: true)
        check(
            "details-120x40.txt",
            Fixtures.render(s, Fixtures.state(for: s, overlay: .details, focus: 3), width: 120, height: 40))
        check(
            "details-80x24.txt",
            Fixtures.render(s, Fixtures.state(for: s, overlay: .details, focus: 3), width: 80, height: 24))
    }

    @Test func pickerAndSpikeEditor80x24() {
        let s = Fixtures.snapshot()
        var picker = Fixtures.state(for: s, overlay: .policyPicker)
        picker.pickerSelection = 3
        check("picker-80x24.txt", Fixtures.render(s, picker, width: 80, height: 24))
        var spike = Fixtures.state(for: s, overlay: .spikeEditor)
        spike.spikeFactor = 5
        spike.spikeSeconds = 60
        check("spike-80x24.txt", Fixtures.render(s, spike, width: 80, height: 24))
    }

    @Test func sixtyFourInstancesScrollWithTheFocus() {
        let s = Fixtures.snapshot(instances: 64)
        let state = Fixtures.state(for: s, focus: 40)
        let frame = Fixtures.render(s, state, width: 120, height: 40)
        check("large-120x40.txt", frame)
        // One row per instance, the focused one visible, the position shown.
        #expect(frame.text.contains("▸40 "))
        #expect(frame.text.contains("rows 16-41 of 65"))
        let small = Fixtures.render(s, Fixtures.state(for: s, focus: 64), width: 80, height: 24)
        check("large-80x24.txt", small)
        #expect(small.text.contains("▸64 "))
        #expect(small.text.contains("rows 56-65 of 65"))
    }

    @Test func tooSmallSaysTheMinimum() {
        let s = Fixtures.snapshot()
        let frame = Fixtures.render(s, Fixtures.state(for: s), width: 40, height: 10)
        check("too-small-40x10.txt", frame)
        #expect(frame.text.contains("need at least \(DashboardView.minimumWidth)x\(DashboardView.minimumHeight)"))
    }

    @Test func everyWidthAndHeightDrawsWithoutTrouble() {
        let s = Fixtures.snapshot(instances: 70, detail: true)
        for overlay: UIState.Overlay in [
            .none, .help, .details, .policyPicker, .spikeEditor, .filter, .sortPicker, .setup,
        ] {
            for width in stride(from: 1, through: 240, by: 7) {
                for height in [1, 2, 5, 17, 18, 19, 24, 33, 60, 80] {
                    let frame = Fixtures.render(
                        s, Fixtures.state(for: s, overlay: overlay, focus: 69), width: width, height: height)
                    let size = "\(overlay) at \(width)x\(height)"
                    if width < DashboardView.minimumWidth || height < DashboardView.minimumHeight {
                        // The notice, cut to the width, and nothing of the dashboard.
                        #expect(frame.text.contains("Terminal too small".prefix(width)), "\(size):\n\(frame.text)")
                        #expect(!frame.text.contains("KV CACHE"), "\(size):\n\(frame.text)")
                    } else {
                        // The header's clock on top, and without an overlay the focused instance scrolled into view.
                        #expect(frame.row(0).contains("01:40.0"), "\(size):\n\(frame.text)")
                        #expect(overlay != .none || frame.text.contains("▸69 "), "\(size):\n\(frame.text)")
                        #expect(!frame.text.contains("Terminal too small"), "\(size):\n\(frame.text)")
                    }
                }
            }
        }
    }

    @Test func withoutColourMeaningStaysInTextAndGlyphs() {
        // Every badge is a word, every bar segment a different glyph, in ASCII too.
        let s = Fixtures.snapshot()
        let text = Fixtures.render(s, Fixtures.state(for: s), width: 120, height: 40, glyphs: .ascii).text
        for word in ["DRAIN", "FAILED", "START 13s", "MIG>3", "MIG<1", "SPIKE x3", "PAUSED"] where word != "PAUSED" {
            #expect(text.contains(word), "missing \(word)")
        }
        #expect(text.contains("#"))
        #expect(text.contains("%"))
        #expect(text.contains("+"))
        for role in StyleRole.allCases
        where ![.normal, .hint, .overlay, .kvUsed, .kvCached, .kvReserved, .queue, .spark, .ok, .badgeStart, .border]
            .contains(role)
        {
            #expect(Theme.look(role, mode: .none) != Look(), "role \(role) has no attribute without colour")
        }
    }
}
