import ClusterSim
import Dashboard
import Dispatch
import Foundation
import TestSupport

// Dashboard benchmarks, kept out of `swift test`. Run in release:
//   swift run -c release dashboard-bench            frame build + diff, snapshot build, runner CPU
//   swift run -c release dashboard-bench frame      frame build + diff only
//   swift run -c release dashboard-bench cpu        runner + UI loop CPU at 1x, no terminal (10 s)
//   swift run -c release dashboard-bench key        key press to the frame that shows it
//   swift run -c release dashboard-bench tty BIN    the real binary in tmux at 1x: CPU of its process (10 s)
// Targets (BENCHMARKS.md): one frame of a 64-instance cluster at 200x60 built and diffed in under 2 ms;
// under 5% of a core at speed 1x.

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

func scenario(_ name: String) throws -> Scenario {
    if name == "default" { return try ScenarioParser.parse(BuiltinScenarios.text("default")!, file: "default") }
    let path = "Scenarios/\(name).yaml"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw RecordingError(message: "run from the package root: \(path) not found")
    }
    return try ScenarioParser.parse(text, file: path)
}

func percentile(_ xs: [Double], _ q: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count - 1) * q))]
}

/// The instance table sorted by queue, largest first, grouped by GPU type: the most work a
/// frame's table does (a sort and a grouping of every instance).
let sortedTable: TableState = {
    var table = TableState()
    table.sort = .queue
    table.descending = true
    table.grouping = .gpu
    return table
}()

/// Builds and diffs frames of `name` at the given sizes, cycling through snapshots 50 ms apart
/// (what consecutive frames at 20 fps and 1x look like, plus a focus move every tenth frame).
/// `table`: the instance table's sort, filter and grouping (the default: id order).
func frameBenchmark(_ name: String, sizes: [(Int, Int)], table: TableState = TableState(), label: String = "")
    throws
{
    var driver = SimulationDriver(simulation: try Simulation(scenario: try scenario(name)))
    driver.advance(to: Time.seconds(70))
    var snapshots: [DashboardSnapshot] = []
    var snapshotTimes: [Double] = []
    for _ in 0..<40 {
        driver.advance(to: driver.now + Time.milliseconds(50))
        let t0 = now()
        snapshots.append(driver.snapshot(clock: RunClock(speed: 1), detail: nil))
        snapshotTimes.append(Double(now() - t0) / 1e6)
    }
    print(
        "\(name): \(snapshots[0].instances.count) instances; snapshot build mean \(Format.fixed(snapshotTimes.reduce(0, +) / Double(snapshotTimes.count), 3)) ms (simulation thread)"
    )
    for (w, h) in sizes {
        var state = UIState(globalPolicies: GlobalPolicyID.all, localPolicies: LocalPolicyID.all)
        state.table = table
        var previous: ScreenBuffer? = nil
        var buffer = ScreenBuffer(width: w, height: h)
        var times: [Double] = []
        var cells = 0
        for i in 0..<400 {
            let s = snapshots[i % snapshots.count]
            if i % 10 == 0 { state.focus = (state.focus + 1) % s.instances.count }
            let t0 = now()
            Reducer.sync(&state, with: s, pending: false)
            DashboardApp.compose(s, &state, glyphs: .unicode, into: &buffer)
            let spans = buffer.changes(from: previous)
            let dt = Double(now() - t0) / 1e6
            if i >= 20 { times.append(dt) }
            if i >= 20 { cells += spans.reduce(0) { $0 + $1.text.unicodeScalars.count } }
            previous = buffer
        }
        let mean = times.reduce(0, +) / Double(times.count)
        print(
            "  frame \(w)x\(h)\(label): build+diff mean \(Format.fixed(mean, 3)) ms, p50 \(Format.fixed(percentile(times, 0.5), 3)) ms, p99 \(Format.fixed(percentile(times, 0.99), 3)) ms; \(cells / times.count) changed cells a frame (of \(w * h))"
        )
    }
}

/// The runner and a UI loop drawing into memory at 20 fps, at 1x, for `seconds`: CPU per wall second.
func cpuBenchmark(_ name: String, seconds: Double) throws {
    let driver = SimulationDriver(simulation: try Simulation(scenario: try scenario(name)))
    let runner = SimulationRunner(driver: driver, speed: 1, paused: false, framesPerSecond: 20)
    var buffer = ScreenBuffer(width: 200, height: 60)
    var previous: ScreenBuffer? = nil
    var state = UIState(globalPolicies: GlobalPolicyID.all, localPolicies: LocalPolicyID.all)
    runner.start()
    let cpu0 = cpuSeconds(), wall0 = now()
    var version: UInt64 = 0
    var frames = 0
    while Double(now() - wall0) / 1e9 < seconds {
        usleep(50_000)
        let (s, v) = runner.latest()
        guard let s, v != version else { continue }
        version = v
        Reducer.sync(&state, with: s, pending: false)
        DashboardApp.compose(s, &state, glyphs: .unicode, into: &buffer)
        _ = buffer.changes(from: previous)
        previous = buffer
        frames += 1
    }
    let cpu = cpuSeconds() - cpu0, wall = Double(now() - wall0) / 1e9
    let last = runner.latest().snapshot
    runner.stop()
    print(
        "cpu \(name) at 1x (runner + 200x60 frames into memory): \(Format.fixed(100 * cpu / wall, 2))% of a core over \(Format.fixed(wall, 1)) s, \(frames) frames, simulated \(Format.fixed(Time.toSeconds(last?.now ?? 0), 1)) s"
    )
}

/// From a key's command to the frame that shows it: the runner applies the command and
/// publishes, the UI builds and diffs the frame (what `DashboardApp` does after a key press).
func keyLatencyBenchmark(_ name: String) throws {
    let driver = SimulationDriver(simulation: try Simulation(scenario: try scenario(name)))
    let runner = SimulationRunner(driver: driver, speed: 1, paused: false, framesPerSecond: 20)
    runner.start()
    Thread.sleep(forTimeInterval: 0.5)
    var buffer = ScreenBuffer(width: 200, height: 60)
    var previous: ScreenBuffer? = nil
    var state = UIState(globalPolicies: GlobalPolicyID.all, localPolicies: LocalPolicyID.all)
    var times: [Double] = []
    for i in 0..<40 {
        let id = GlobalPolicyID.all[i % GlobalPolicyID.all.count]
        let t0 = now()
        let sequence = runner.send(.simulation(.setGlobalPolicy(id)))
        guard let s = runner.waitForSnapshot(applying: sequence, timeout: 1) else { continue }
        DashboardApp.compose(s, &state, glyphs: .unicode, into: &buffer)
        _ = buffer.changes(from: previous)
        previous = buffer
        times.append(Double(now() - t0) / 1e6)
        usleep(30_000)
    }
    runner.stop()
    print(
        "key to frame \(name) at 1x, 200x60: mean \(Format.fixed(times.reduce(0, +) / Double(times.count), 3)) ms, max \(Format.fixed(times.max() ?? 0, 3)) ms over \(times.count) keys (a frame is 50 ms at 20 fps)"
    )
}

/// Runs `path` with `arguments` (standard output to the file `stdout`) and waits for it; not
/// Foundation's Process, which can wait forever on a tmux client that starts a server.
@discardableResult
func spawn(_ path: String, _ arguments: [String], stdout: String = "/dev/null") -> Int32 {
    guard let pid = try? spawnChild(path, arguments, stdout: stdout) else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status
}

/// The real binary under tmux (a private server) at 1x: CPU time of its process over `seconds`.
func ttyBenchmark(binary: String, scenario: String, seconds: Double, width: Int, height: Int) throws {
    guard
        let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        })
    else {
        throw RecordingError(message: "tmux is not installed")
    }
    let socket = "dashbench-\(getpid())"
    func tmux(_ args: [String]) -> String {
        let out = NSTemporaryDirectory() + "\(socket).out"
        defer { unlink(out) }
        spawn(tmuxPath, ["-L", socket, "-f", "/dev/null"] + args, stdout: out)
        return ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines)
    }
    _ = tmux([
        "-u", "new-session", "-d", "-s", "bench", "-x", "\(width)", "-y", "\(height)",
        "env LANG=C.UTF-8 TERM=xterm-256color \(binary) watch \(scenario) --speed 1",
    ])
    defer {
        _ = tmux(["kill-server"])
        unlink("/tmp/tmux-\(getuid())/\(socket)")
    }
    Thread.sleep(forTimeInterval: 2)
    guard let pid = Int(tmux(["display", "-p", "-t", "bench", "#{pane_pid}"])) else {
        throw RecordingError(message: "tmux did not start the binary")
    }
    func ticks() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return 0 }
        let fields = stat.split(separator: ")").last!.split(separator: " ")
        return Double(fields[11])! + Double(fields[12])!  // utime, stime (fields 14 and 15)
    }
    let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
    let t0 = ticks(), w0 = now()
    Thread.sleep(forTimeInterval: seconds)
    let t1 = ticks(), w1 = now()
    let screen = tmux(["capture-pane", "-p", "-t", "bench"]).split(separator: "\n").first ?? ""
    _ = tmux(["send-keys", "-t", "bench", "q"])
    print(
        "tty \(scenario) at 1x in tmux \(width)x\(height): \(Format.fixed(100 * (t1 - t0) / hz / (Double(w1 - w0) / 1e9), 2))% of a core over \(Format.fixed(seconds, 0)) s"
    )
    print("  header: \(screen.trimmingCharacters(in: .whitespaces))")
}

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "all"
do {
    switch mode {
    case "frame":
        try frameBenchmark("large-64", sizes: [(200, 60), (120, 40), (80, 24)])
        try frameBenchmark(
            "large-64", sizes: [(200, 60)], table: sortedTable, label: " sorted by queue, grouped by GPU")
        try frameBenchmark("default", sizes: [(200, 60), (80, 24)])
    case "cpu":
        try cpuBenchmark("default", seconds: 10)
        try cpuBenchmark("large-64", seconds: 10)
    case "key":
        try keyLatencyBenchmark("default")
        try keyLatencyBenchmark("large-64")
    case "tty":
        guard arguments.count >= 2 else {
            throw RecordingError(message: "usage: dashboard-bench tty PATH-TO-clustertop [SCENARIO]")
        }
        try ttyBenchmark(
            binary: arguments[1], scenario: arguments.count > 2 ? arguments[2] : "default", seconds: 10, width: 200,
            height: 60)
    default:
        try frameBenchmark("large-64", sizes: [(200, 60), (120, 40), (80, 24)])
        try frameBenchmark(
            "large-64", sizes: [(200, 60)], table: sortedTable, label: " sorted by queue, grouped by GPU")
        try frameBenchmark("default", sizes: [(200, 60), (80, 24)])
        try cpuBenchmark("default", seconds: 10)
        try cpuBenchmark("large-64", seconds: 10)
        try keyLatencyBenchmark("default")
        try keyLatencyBenchmark("large-64")
    }
} catch {
    print("error: \(error)")
    exit(1)
}
