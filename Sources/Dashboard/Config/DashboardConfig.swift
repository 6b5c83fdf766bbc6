import ClusterSim
import Foundation

/// The dashboard's saved settings: `$XDG_CONFIG_HOME/clustertop/config.yaml` (else
/// `~/.config/clustertop/config.yaml`), read at start, written by the setup screen (F2), with
/// command-line options taking precedence (htop's htoprc, nvtop's interface.ini).
///
/// A file that does not parse stops the start with a located error (exit 2) rather than a
/// warning: the dashboard owns the screen, so a warning would go unseen until it quits, and a
/// silently ignored typo would leave, say, the sort unexplained. Every other input of clustertop
/// is refused the same way.
public struct DashboardConfig: Sendable, Equatable {
    /// How the dashboard uses colour: as the terminal allows, 8 colours at most, or none.
    public enum Colors: String, Sendable, CaseIterable {
        case auto
        case basic = "8"
        case off
    }

    /// Simulated seconds per wall second; `.infinity` is as fast as possible.
    public var speed: Double = 1
    public var colors = Colors.auto
    /// The optional columns shown, left to right (after the id and the GPU, which always show).
    public var columns: [TableColumn] = TableColumn.optional
    public var sort = TableColumn.id
    public var descending = false
    public var grouping = TableGrouping.none
    public var mouse = true

    public init() {}

    static let keys = ["speed", "colors", "columns", "sort", "descending", "group", "mouse"]
    static let limit = 64 * 1024

    /// The settings of `text` (`file` names it in errors); keys left out keep their defaults.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> DashboardConfig {
        let root = try SettingsValue.document(text, file: file, what: "a dashboard config", limit: limit)
        var config = DashboardConfig()
        var descending: Bool?
        do {
            for (key, value) in try root.mapping(allowed: keys) {
                switch key {
                case "speed":
                    if (try? value.string()).map({ ["max", "inf"].contains($0.lowercased()) }) == true {
                        config.speed = .infinity
                    } else {
                        config.speed = try value.number("a speed from 0.1 to 1000, or max", in: 0.1...1000)
                    }
                case "colors":
                    config.colors = Colors(rawValue: try value.string(oneOf: Colors.allCases.map(\.rawValue))) ?? .auto
                case "columns":
                    var columns: [TableColumn] = []
                    for item in try value.sequence() {
                        let name = try item.string(oneOf: TableColumn.allCases.map(\.rawValue))
                        guard let column = TableColumn(rawValue: name), TableColumn.optional.contains(column) else {
                            throw item.error("the \(name) column always shows; list only \(optionalNames)")
                        }
                        guard !columns.contains(column) else { throw item.error("\(name) is listed twice") }
                        columns.append(column)
                    }
                    config.columns = columns
                case "sort":
                    config.sort = TableColumn(rawValue: try value.string(oneOf: TableColumn.sortable.map(\.rawValue)))!
                case "descending": descending = try value.bool()
                case "group":
                    config.grouping = TableGrouping(
                        rawValue: try value.string(oneOf: TableGrouping.allCases.map(\.rawValue)))!
                case "mouse": config.mouse = try value.bool()
                default: break
                }
            }
        } catch let e as ScenarioError {
            throw e
        } catch {
            throw root.error("\(error)")
        }
        // Left out, the order is the column's usual one (load columns largest first).
        config.descending = descending ?? config.sort.descendingFirst
        return config
    }

    static var optionalNames: String { TableColumn.optional.map(\.rawValue).joined(separator: ", ") }

    /// The file's text, each setting with a comment saying what it takes.
    public var yaml: String {
        let speedText = speed.isFinite ? Report.number(speed, -1) : "max"
        return """
            # clustertop dashboard settings, written by the setup screen (F2 in the dashboard).
            # Command-line options override them. See `clustertop watch --help`.
            speed: \(speedText)    # simulated seconds per wall second: 0.1 to 1000, or max
            colors: \(colors == .basic ? "\"8\"" : colors.rawValue)    # auto, "8" (eight colours at most) or off
            columns: [\(columns.map(\.rawValue).joined(separator: ", "))]    # shown, in order, of: \(Self.optionalNames)
            sort: \(sort.rawValue)    # \(TableColumn.sortable.map(\.rawValue).joined(separator: ", "))
            descending: \(descending)    # left out: largest first for load columns, A to Z for names
            group: \(grouping.rawValue)    # none, gpu or model
            mouse: \(mouse)

            """
    }

    /// Where the file lives: `$XDG_CONFIG_HOME/clustertop/config.yaml`, else under
    /// `$HOME/.config`; nil when neither variable is set (or XDG_CONFIG_HOME is relative, which
    /// the XDG spec says to ignore).
    public static func path(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/clustertop/config.yaml" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/clustertop/config.yaml" }
        return nil
    }

    /// The settings at `path`, or the defaults when no file is there.
    public static func load(path: String) throws(ScenarioError) -> DashboardConfig {
        guard FileManager.default.fileExists(atPath: path) else { return DashboardConfig() }
        let text = try InputFile.text(path, limit: limit, sizeHint: "a dashboard config is a few lines")
        return try parse(text, file: path)
    }

    /// Writes the settings to `path`, creating its folder; the error says what failed, in words.
    public func write(to path: String) throws(OutputError) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputError(name: folder, message: "cannot create the folder", badPath: true)
        }
        let file = try OutputFile(path: path)
        try file.write(yaml)
    }

    /// The table settings of the UI state (the setup screen saves these).
    public init(_ state: UIState) {
        speed = state.speed
        colors = state.setup.colors
        columns = state.table.columns
        sort = state.table.sort
        descending = state.table.descending
        grouping = state.table.grouping
        mouse = state.setup.mouse
    }

    /// Puts the table settings into `state`.
    public func apply(to state: inout UIState) {
        state.table.columns = columns
        state.table.sort = sort
        state.table.descending = descending
        state.table.grouping = grouping
        state.setup.colors = colors
        state.setup.mouse = mouse
    }
}
