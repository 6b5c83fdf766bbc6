import ClusterSim
import Dashboard
import Dispatch
import Foundation

// Dashboard benchmarks, kept out of `swift test`. Run in release:
//   swift run -c release dashboard-bench            frame build + diff, snapshot build, runner CPU
//   swift run -c release dashboard-bench frame      frame build + diff only
//   swift run -c release dashboard-bench cpu        runner + UI loop CPU at 1x, no terminal (10 s)
//   swift run -c release dashboard-bench tty BIN    the real binary in tmux at 1x: CPU of its process (10 s)
// Targets (issue 6): one frame of a 64-instance cluster at 200x60 built and diffed in under 2 ms;
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

/// Builds and diffs frames of `name` at the given sizes, cycling through snapshots 50 ms apart
/// (what consecutive frames at 20 fps and 1x look like, plus a focus move every tenth frame).
func frameBenchmark(_ name: String, sizes: [(Int, Int)]) throws {
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
    print("\(name): \(snapshots[0].instances.count) instances; snapshot build mean \(Format.fixed(snapshotTimes.reduce(0, +) / Double(snapshotTimes.count), 3)) ms (simulation thread)")
    for (w, h) in sizes {
        var state = UIState(globalPolicies: GlobalPolicy.ids, localPolicies: LocalPolicy.ids)
        var previous: ScreenBuffer? = nil
        var buffer = ScreenBuffer(width: w, height: h)
        var times: [Double] = []
        var cells = 0
        for i in 0..<400 {
            let s = snapshots[i % snapshots.count]
            if i % 10 == 0 { state.focus = (state.focus + 1) % s.instances.count }
            let t0 = now()
            Reducer.sync(&state, with: s, pending: false)
            let layout = DashboardView.render(s, state, glyphs: .unicode, into: &buffer)
            Reducer.layout(&state, layout)
            let spans = buffer.changes(from: previous)
            let dt = Double(now() - t0) / 1e6
            if i >= 20 { times.append(dt) }
            if i >= 20 { cells += spans.reduce(0) { $0 + $1.text.unicodeScalars.count } }
            previous = buffer
        }
        let mean = times.reduce(0, +) / Double(times.count)
        print(
            "  frame \(w)x\(h): build+diff mean \(Format.fixed(mean, 3)) ms, p50 \(Format.fixed(percentile(times, 0.5), 3)) ms, p99 \(Format.fixed(percentile(times, 0.99), 3)) ms; \(cells / times.count) changed cells a frame (of \(w * h))"
        )
    }
}

/// The runner and a UI loop drawing into memory at 20 fps, at 1x, for `seconds`: CPU per wall second.
func cpuBenchmark(_ name: String, seconds: Double) throws {
    let driver = SimulationDriver(simulation: try Simulation(scenario: try scenario(name)))
    let runner = SimulationRunner(driver: driver, speed: 1, paused: false, framesPerSecond: 20)
    var buffer = ScreenBuffer(width: 200, height: 60)
    var previous: ScreenBuffer? = nil
    var state = UIState(globalPolicies: GlobalPolicy.ids, localPolicies: LocalPolicy.ids)
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
        DashboardView.render(s, state, glyphs: .unicode, into: &buffer)
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

/// The real binary under tmux at 1x: CPU time of its process over `seconds` of wall time.
func ttyBenchmark(binary: String, scenario: String, seconds: Double, width: Int, height: Int) throws {
    let session = "dashbench\(getpid())"
    func tmux(_ args: [String]) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux"] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        try? p.run()
        p.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    _ = tmux(["-u", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", "env LANG=C.UTF-8 TERM=xterm-256color \(binary) watch \(scenario) --speed 1"])
    defer { _ = tmux(["kill-session", "-t", session]) }
    Thread.sleep(forTimeInterval: 2)
    guard let pid = Int(tmux(["display", "-p", "-t", session, "#{pane_pid}"])) else { throw RecordingError(message: "tmux did not start the binary") }
    func ticks() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return 0 }
        let fields = stat.split(separator: ")").last!.split(separator: " ")
        return Double(fields[11])! + Double(fields[12])!  // utime, stime (fields 14 and 15)
    }
    let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
    let t0 = ticks(), w0 = now()
    Thread.sleep(forTimeInterval: seconds)
    let t1 = ticks(), w1 = now()
    let screen = tmux(["capture-pane", "-p", "-t", session]).split(separator: "\n").first ?? ""
    print("tty \(scenario) at 1x in tmux \(width)x\(height): \(Format.fixed(100 * (t1 - t0) / hz / (Double(w1 - w0) / 1e9), 2))% of a core over \(Format.fixed(seconds, 0)) s")
    print("  header: \(screen.trimmingCharacters(in: .whitespaces))")
}

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "all"
do {
    switch mode {
    case "frame":
        try frameBenchmark("large-64", sizes: [(200, 60), (120, 40), (80, 24)])
        try frameBenchmark("default", sizes: [(200, 60), (80, 24)])
    case "cpu":
        try cpuBenchmark("default", seconds: 10)
        try cpuBenchmark("large-64", seconds: 10)
    case "tty":
        guard arguments.count >= 2 else { throw RecordingError(message: "usage: dashboard-bench tty PATH-TO-clustertop [SCENARIO]") }
        try ttyBenchmark(binary: arguments[1], scenario: arguments.count > 2 ? arguments[2] : "default", seconds: 10, width: 200, height: 60)
    default:
        try frameBenchmark("large-64", sizes: [(200, 60), (120, 40), (80, 24)])
        try frameBenchmark("default", sizes: [(200, 60), (80, 24)])
        try cpuBenchmark("default", seconds: 10)
        try cpuBenchmark("large-64", seconds: 10)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
