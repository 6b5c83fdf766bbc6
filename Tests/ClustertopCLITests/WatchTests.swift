import Dashboard
import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct WatchTests {
    @Test func dumpsOneFrameWithoutATerminal() {
        let outcome = clustertop("watch", "default", "--dump-frame", "2", "--size", "80x24", "--ascii")
        #expect(outcome.status == 0)
        #expect(outcome.output.filter { $0 == "\n" }.count == 24)
        #expect(outcome.output.hasPrefix(" default  00:02.0"), "\(outcome.output)")
        #expect(outcome.errors == "")
    }

    @Test func theDashboardNeedsATerminal() {
        let outcome = clustertop("watch", "default")
        #expect(outcome.status == 2)
        #expect(outcome.output == "")
        #expect(
            outcome.errors == """
                error: standard output is not a terminal, and the dashboard needs one.
                For a headless run use `clustertop run default` (a table, or --format json or csv); \
                `clustertop watch --dump-frame SECONDS` prints one dashboard frame as text.

                """)
    }

    @Test func aBadFrameSizeIsBadInput() {
        let outcome = clustertop("watch", "default", "--dump-frame", "1", "--size", "5x5")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: --size: expected WxH such as 120x40, got \"5x5\"\n")
    }
}

/// The dashboard's settings file as `watch` reads it: honoured by --dump-frame, overridden by
/// the command line, and refused with its place when it does not parse.
@Suite struct DashboardSettingsTests {
    @Test func theSettingsFileShapesTheFrame() throws {
        let path = temporaryPath("config.yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "sort: queue\ngroup: gpu\ncolumns: [queue, kv]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = clustertop(
            "watch", "large-64", "--dump-frame", "30", "--size", "120x40", "--config", path, "--scenario-duration")
        #expect(outcome.status == 0, "\(outcome.errors)")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        let head = try #require(lines.first { $0.contains("QUEUE↓") }, "\(outcome.output)")
        #expect(!head.contains("MODEL") && !head.contains("RUN") && !head.contains("TOK/S"))
        #expect(outcome.output.contains("GPU a100-80g  16 instances"))
    }

    @Test func aBadSettingsFileIsBadInputWithItsPlace() throws {
        let path = temporaryPath("config.yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "speed: 2\ngroup: gpus\n".write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = clustertop("watch", "default", "--dump-frame", "1", "--config", path)
        #expect(outcome.status == 2)
        #expect(
            outcome.errors.hasPrefix(
                "error: \(path):2:8: group: expected one of none, gpu, model, got \"gpus\"; did you mean \"gpu\"?"),
            "\(outcome.errors)")
        #expect(outcome.output == "")
    }

    @Test func commandLineOptionsWinForTheSessionButAreNotSaved() throws {
        let path = temporaryPath("config.yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "speed: 5\ncolors: \"8\"\nmouse: true\nsort: kv\n".write(toFile: path, atomically: true, encoding: .utf8)
        let options = try DashboardOptions.parse(["--config", path, "--speed", "2", "--no-color", "--no-mouse"])
        let settings = try DashboardSettings(options: options, environment: [:])
        #expect(settings.config.speed == 2 && settings.config.colors == .off && !settings.config.mouse)
        var state = UIState()
        settings.apply(to: &state)
        // The session runs at 2x; the setup screen starts from the file's colours and mouse.
        #expect(state.speed == 2 && state.setup.colors == .basic && state.setup.mouse)
        #expect(state.table.sort == .kv && state.table.descending && state.setup.path == path)
        // NO_COLOR as well; without options the file's settings hold.
        let plain = try DashboardSettings(options: try DashboardOptions.parse(["--config", path]), environment: [:])
        #expect(plain.config.speed == 5 && plain.config.colors == .basic && plain.config.mouse)
        let noColor = try DashboardSettings(
            options: try DashboardOptions.parse(["--config", path]), environment: ["NO_COLOR": "1"])
        #expect(noColor.config.colors == .off)
    }
}
