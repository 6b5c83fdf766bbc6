import ClusterSim
import Dashboard
import Foundation

/// The dashboard's saved settings with the command line on top: the file
/// (`DashboardConfig.path`) is read once at start, and options given on the command line win.
struct DashboardSettings {
    /// What the file says: the setup screen starts from it, so saving does not write a
    /// one-off `--no-color` or `--no-mouse` into the file.
    var saved: DashboardConfig
    /// What this session runs with: the file's settings, the command line's on top.
    var config: DashboardConfig
    /// Where the setup screen saves (nil: neither XDG_CONFIG_HOME nor HOME is set).
    var path: String?

    /// Reads the settings file; one that does not parse is a located error (exit 2).
    init(options: DashboardOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        path =
            options.config == DashboardOptions.defaultConfig
            ? DashboardConfig.path(environment: environment) : options.config
        do {
            saved = try path.map { try DashboardConfig.load(path: $0) } ?? DashboardConfig()
        } catch {
            throw CommandError("\(error) (fix it, or delete the file to start from the defaults)")
        }
        config = saved
        if let speed = options.speed { config.speed = speed.value }
        if options.noColor || !(environment["NO_COLOR"] ?? "").isEmpty { config.colors = .off }
        if options.noMouse { config.mouse = false }
    }

    /// The UI state the dashboard starts with: the file's table and setup settings, this
    /// session's speed, and where to save.
    func apply(to state: inout UIState) {
        saved.apply(to: &state)
        state.speed = config.speed
        state.setup.path = path
    }
}
