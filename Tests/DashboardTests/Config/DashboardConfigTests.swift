import ClusterSim
import Foundation
import Testing

@testable import Dashboard

/// The settings file: what it reads, what it refuses (with the place), and that what the setup
/// screen writes reads back the same.
@Suite struct DashboardConfigTests {
    @Test func everySettingRoundTrips() throws {
        var config = DashboardConfig()
        config.speed = .infinity
        config.colors = .basic
        config.columns = [.queue, .kv]
        config.sort = .tokens
        config.descending = false
        config.grouping = .model
        config.mouse = false
        #expect(try DashboardConfig.parse(config.yaml, file: "c.yaml") == config)
        #expect(try DashboardConfig.parse(DashboardConfig().yaml, file: "c.yaml") == DashboardConfig())
    }

    @Test func leftOutKeysKeepTheirDefaultsAndTheOrderFollowsTheColumn() throws {
        let config = try DashboardConfig.parse("sort: kv\n", file: "c.yaml")
        #expect(config.sort == .kv && config.descending)
        #expect(config.speed == 1 && config.columns == TableColumn.optional && config.grouping == .none)
        #expect(try DashboardConfig.parse("sort: model\n", file: "c.yaml").descending == false)
        #expect(try DashboardConfig.parse("speed: 2.5\ncolors: off\n", file: "c.yaml").speed == 2.5)
        // Columns keep their order.
        #expect(try DashboardConfig.parse("columns: [state, model]\n", file: "c.yaml").columns == [.state, .model])
    }

    @Test func badFilesSayWhereAndWhat() {
        let cases: [(String, String)] = [
            (
                "sort: queu\n",
                "c.yaml:1:7: sort: expected one of id, gpu, model, queue, run, kv, tokens, state, got \"queu\"; did you mean \"queue\"?"
            ),
            ("colour: off\n", "c.yaml:1:1: unknown key \"colour\"; did you mean \"colors\"?"),
            ("speed: 5000\n", "c.yaml:1:8: speed: expected a speed from 0.1 to 1000, or max"),
            ("columns: [id]\n", "c.yaml:1:11: columns[0]: the id column always shows"),
            ("columns: [kv, kv]\n", "c.yaml:1:15: columns[1]: kv is listed twice"),
            ("mouse: maybe\n", "c.yaml:1:8: mouse: expected one of"),
            ("- sort\n", "c.yaml:1:1: expected a mapping, got a list"),
            ("", "c.yaml:1:1: the file is empty"),
            ("sort: [\n", "c.yaml:"),
        ]
        for (text, message) in cases {
            #expect(throws: ScenarioError.self, "\(text)") { try DashboardConfig.parse(text, file: "c.yaml") }
            do {
                _ = try DashboardConfig.parse(text, file: "c.yaml")
            } catch {
                #expect(error.description.hasPrefix(message), "\(text): \(error.description)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func theFileLivesUnderXDGConfigHomeElseHome() {
        #expect(
            DashboardConfig.path(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/clustertop/config.yaml")
        #expect(DashboardConfig.path(environment: ["HOME": "/h"]) == "/h/.config/clustertop/config.yaml")
        // A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
        #expect(
            DashboardConfig.path(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"])
                == "/h/.config/clustertop/config.yaml")
        #expect(DashboardConfig.path(environment: [:]) == nil)
    }

    @Test func writeCreatesTheFolderAndLoadReadsItBack() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-config-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let path = try #require(DashboardConfig.path(environment: ["XDG_CONFIG_HOME": home]))
        #expect(try DashboardConfig.load(path: path) == DashboardConfig())
        var config = DashboardConfig()
        config.sort = .queue
        config.descending = true
        try config.write(to: path)
        #expect(try DashboardConfig.load(path: path) == config)
        // The app's save says where it went, or why it could not.
        #expect(DashboardApp.save(config, to: path) == "saved to \(path)")
        #expect(DashboardApp.save(config, to: nil).hasPrefix("cannot save"))
        #expect(DashboardApp.save(config, to: "/proc/clustertop/config.yaml").hasPrefix("cannot"))
    }
}
