import ClusterSim
import Foundation
import TestSupport
import Testing

/// The real binary under tmux, driven as a user would (send-keys, capture-pane): it starts the
/// dashboard, switches the policy, fires a spike and sees the queues grow, pauses, resizes to
/// too small and back, quits, and checks the terminal came back (as bottom's integration tests,
/// https://github.com/ClementTsang/bottom).
///
/// Fails when tmux is missing (CI installs it: .ci/run), so a run without it cannot pass silently.
@Suite(.serialized) struct TmuxEndToEndTests {
    static let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The clustertop binary next to the test bundle (CLUSTERTOP_BIN overrides).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CLUSTERTOP_BIN"] { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent == "MacOS" {
            dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return dir.appendingPathComponent("clustertop").path
    }

    /// A tmux server of the test's own (its own socket), so nothing is shared with other tmux
    /// users, and killing it at the end takes every pane with it.
    struct Tmux {
        let session = "e2e"
        let socket = "clustertop-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let path: String

        @discardableResult
        func run(_ args: [String], capture: Bool = true) -> String {
            // posix_spawn and waitpid, not Foundation's Process: the first command starts the
            // server, a daemon, and Process has been seen to wait forever on such a client.
            let output =
                capture ? NSTemporaryDirectory() + "\(socket)-\(UInt32.random(in: 0...UInt32.max)).out" : "/dev/null"
            defer { if capture { unlink(output) } }
            TmuxEndToEndTests.spawn(path, ["-L", socket] + args, stdout: output)
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }

        func start(_ command: String, width: Int, height: Int) {
            run(
                [
                    "-u", "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                    command,
                ], capture: false)
        }

        func keys(_ keys: String...) { run(["send-keys", "-t", session] + keys) }
        func screen() -> String { run(["capture-pane", "-p", "-t", session]) }
        func resize(_ width: Int, _ height: Int) {
            run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
        }
        func display(_ format: String) -> String {
            run(["display", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func kill() {
            if ProcessInfo.processInfo.environment["E2E_KEEP_TMUX"] != nil { return }
            run(["kill-session", "-t", session], capture: false)
            run(["kill-server"], capture: false)
            let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
            unlink("\(directory)/tmux-\(getuid())/\(socket)")
        }

        /// Polls the screen until `done` holds (rather than sleeping), up to `timeout` seconds.
        func wait(_ what: String, timeout: Double = 10, _ done: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = screen()
                if done(last) { return last }
                Thread.sleep(forTimeInterval: 0.05)
            }
            Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
            throw CancellationError()
        }

        func wait(for text: String, timeout: Double = 10) throws -> String {
            try wait("\"\(text)\"", timeout: timeout) { $0.contains(text) }
        }
    }

    /// Runs `path` with `arguments`, standard output to the file `stdout`, and waits for it.
    @discardableResult
    static func spawn(_ path: String, _ arguments: [String], stdout: String = "/dev/null") -> Int32 {
        guard let pid = try? spawnChild(path, arguments, stdout: stdout) else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    static func number(after label: String, in screen: String) -> Int? {
        guard let range = screen.range(of: label + " ") else { return nil }
        return Int(screen[range.upperBound...].prefix { $0.isNumber })
    }

    /// The shell line the pane runs: the dashboard, then what the terminal looks like afterwards.
    static func command(_ arguments: String) -> String {
        "env LANG=C.UTF-8 TERM=xterm-256color \(binary) \(arguments); echo EXITED=$?; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo DONE; sleep 30"
    }

    func prepare() throws -> Tmux {
        let path = try #require(TmuxEndToEndTests.tmuxPath, "tmux is not installed (apt-get install tmux)")
        try #require(
            FileManager.default.isExecutableFile(atPath: TmuxEndToEndTests.binary),
            "no clustertop binary at \(TmuxEndToEndTests.binary); build it first (swift build) or set CLUSTERTOP_BIN")
        return Tmux(path: path)
    }

    /// After quitting: the exit status, the alternate screen left, cursor shown, cooked mode back.
    func checkRestored(_ t: Tmux, status: Int = 0) throws {
        let after = try t.wait(for: "DONE")
        #expect(after.contains("EXITED=\(status)"))
        #expect(after.contains("icanon") && !after.contains("-icanon"), "terminal left in raw mode:\n\(after)")
        #expect(after.contains("echo") && !after.contains("-echo"), "echo left off:\n\(after)")
        #expect(t.display("#{alternate_on}") == "0")
        #expect(t.display("#{cursor_flag}") == "1")
        #expect(!after.contains("KV CACHE"), "the dashboard is still on screen:\n\(after)")
    }

    @Test func watchSwitchSpikePauseResizeQuit() throws {
        let t = try prepare()
        defer { t.kill() }
        t.start(TmuxEndToEndTests.command("watch default --seed 1 --speed 20"), width: 100, height: 30)
        _ = try t.wait(for: "global round-robin")

        // Switch the global policy: the header and the event log say so on the next frame.
        t.keys("g")
        let switched = try t.wait(for: "global policy -> least-outstanding")
        #expect(switched.contains("global least-outstanding"))

        // A strong spike: the queues grow.
        let before = try t.wait("the queue count") { TmuxEndToEndTests.number(after: "queued", in: $0) != nil }
        let queued0 = TmuxEndToEndTests.number(after: "queued", in: before) ?? 0
        t.keys("]", "]", "]", "]", "s")
        _ = try t.wait(for: "SPIKE x10")
        let grown = try t.wait("the queues to grow", timeout: 15) {
            (TmuxEndToEndTests.number(after: "queued", in: $0) ?? 0) >= max(30, 3 * queued0 + 10)
        }
        #expect(grown.contains("spike x10.00 for 30.0 s"))

        // Pause: the clock stops.
        t.keys("Space")
        let paused = try t.wait(for: "PAUSED")
        let clock = paused.split(separator: "\n").first.map(String.init) ?? ""
        Thread.sleep(forTimeInterval: 0.5)
        #expect(t.screen().split(separator: "\n").first.map(String.init) == clock)

        // Too small, then back.
        t.resize(50, 12)
        let small = try t.wait(for: "Terminal too small")
        #expect(small.contains("need at least"))
        t.resize(120, 40)
        let back = try t.wait(for: "KV CACHE")
        #expect(back.contains("PAUSED") && back.contains("global least-outstanding"))

        t.keys("q")
        try checkRestored(t)
    }

    /// The what-if panel: `w` forks the running cluster, the shortest horizon runs every fork to
    /// 100% while the live view goes on, Enter on the second candidate (the next global policy)
    /// switches the live cluster to it, and the log says where the switch came from.
    @Test func whatIfForksRunToTheEndAndEnterSwitchesTheLiveCluster() throws {
        let t = try prepare()
        defer { t.kill() }
        t.start(TmuxEndToEndTests.command("watch default --seed 1 --speed 5"), width: 100, height: 30)
        _ = try t.wait(for: "global round-robin")
        t.keys("w")
        _ = try t.wait(for: "What-if from")
        t.keys("[", "[", "[")
        let done = try t.wait(for: "next 10 s")
        #expect(done.contains("▸ =round-robin / vllm-v0"))
        let finished = try t.wait("every fork at 100%", timeout: 60) { screen in
            screen.contains("next 10 s")
                && screen.split(separator: "\n").first { $0.contains("What-if") }?.contains("done") == true
        }
        let rows = finished.split(separator: "\n").filter {
            $0.contains(" / ") && $0.contains("│") && !$0.contains("candidate (")
        }
        #expect(rows.count >= 8 && rows.allSatisfy { $0.contains("100%") }, "\(finished)")
        // The live view kept running while the forks ran.
        let clock = finished.split(separator: "\n").first.map(String.init) ?? ""
        #expect(!clock.contains("PAUSED"))
        t.keys("j", "Enter")
        let switched = try t.wait(for: "global least-outstanding", timeout: 5)
        #expect(!switched.contains("What-if from"))
        _ = try t.wait(for: "what-if: switched to least-outstanding", timeout: 5)
        t.keys("q")
        _ = try t.wait(for: "EXITED=0")
    }

    @Test func ctrlCAndSigtermRestoreTheTerminal() throws {
        let t = try prepare()
        defer { t.kill() }
        t.start(TmuxEndToEndTests.command("watch default --paused"), width: 90, height: 26)
        _ = try t.wait(for: "PAUSED")
        t.keys("C-c")
        try checkRestored(t, status: 130)
        t.kill()

        let u = try prepare()
        defer { u.kill() }
        u.start(TmuxEndToEndTests.command("watch default --no-color --ascii"), width: 90, height: 26)
        let ascii = try u.wait(for: "KV CACHE")
        #expect(!ascii.contains("█") && !ascii.contains("─"))
        // SIGTERM to the dashboard (the pane's shell is its parent).
        let shell = u.display("#{pane_pid}")
        TmuxEndToEndTests.spawn("/usr/bin/env", ["pkill", "-TERM", "-P", shell, "-x", "clustertop"])
        try checkRestored(u, status: 143)
    }

    /// A replay at full speed that has reached its end stands still and leaves on every way out:
    /// q, Ctrl-C, SIGTERM and SIGHUP, each with its conventional exit status.
    @Test func aFinishedReplayAtFullSpeedLeavesOnEveryWayOut() throws {
        _ = try prepare()
        let recording = NSTemporaryDirectory() + "clustertop-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        defer { unlink(recording) }
        TmuxEndToEndTests.spawn(
            TmuxEndToEndTests.binary, ["run", "default", "--duration", "20", "--record", recording])
        let ways: [(name: String, leave: (Tmux) -> Void, status: Int)] = [
            ("q", { $0.keys("q") }, 0),
            ("Ctrl-C", { $0.keys("C-c") }, 130),
            (
                "SIGTERM",
                {
                    TmuxEndToEndTests.spawn(
                        "/usr/bin/env", ["pkill", "-TERM", "-P", $0.display("#{pane_pid}"), "-x", "clustertop"])
                }, 143
            ),
            (
                "SIGHUP",
                {
                    TmuxEndToEndTests.spawn(
                        "/usr/bin/env", ["pkill", "-HUP", "-P", $0.display("#{pane_pid}"), "-x", "clustertop"])
                }, 129
            ),
        ]
        for way in ways {
            // A server of its own each time: a new session on a server that is shutting down may be lost.
            let t = try prepare()
            defer { t.kill() }
            t.start(TmuxEndToEndTests.command("replay \(recording) --speed max"), width: 100, height: 30)
            let finished = try t.wait(for: "END OF RECORDING")
            #expect(finished.contains("end of recording"), "\(way.name): the log does not say so:\n\(finished)")
            way.leave(t)
            try checkRestored(t, status: way.status)
        }
    }

    /// A replay looks like one: badge and position, its recorded speed, only the keys that work in
    /// it; it seeks to a typed time, steps back, jumps between recorded commands, shows the full
    /// log, and pauses at the recording's end saying so.
    @Test func replayKeysSeekStepBackAndStopAtTheEnd() throws {
        let recording = NSTemporaryDirectory() + "clustertop-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        defer { unlink(recording) }
        let scenario = try ScenarioParser.parse(
            """
            name: replayed
            seed: 5
            duration_s: 600
            cluster:
              - {gpu: h100, model: llama3-8b, count: 2, tp: 1}
            policy: {global: least-outstanding, local: vllm-v0}
            tenants:
              - {name: chat, priority: normal, slo: {ttft_ms: 2000, tpot_ms: 100}}
            workload:
              - tenant: chat
                arrival: {process: poisson, rate: 5}
                input_tokens: {dist: lognormal, mean: 256, sigma: 0.5, max: 2048}
                output_tokens: {dist: lognormal, mean: 64, sigma: 0.5, max: 512}
            """, file: "replayed")
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: recording, baseDirectory: ".", speed: 2)
        session.advance(to: Time.seconds(3))
        session.apply(.spike(factor: 2, durationSeconds: 4))
        session.advance(to: Time.seconds(8))
        session.apply(.setGlobalPolicy("round-robin"))
        session.advance(to: Time.seconds(20))
        session.stopRecording()

        let t = try prepare()
        defer { t.kill() }
        t.start(TmuxEndToEndTests.command("replay \(recording) --paused"), width: 100, height: 30)
        let start = try t.wait(for: "REPLAY")
        #expect(start.contains("t=0.0 s / 20.0 s") && start.contains("speed 2x"), "\(start)")
        #expect(start.contains("{/} -/+10s") && start.contains("[/] event") && start.contains("b back"))
        #expect(!start.contains("g global") && !start.contains("s spike") && !start.contains("r rec"))
        // A key that would change the cluster only says so.
        t.keys("g")
        _ = try t.wait(for: "not in a replay")
        // To the next recorded command (the spike at 3 s), then the one after (8 s), and back.
        t.keys("]")
        _ = try t.wait(for: "t=3.0 s / 20.0 s")
        t.keys("]")
        let second = try t.wait(for: "t=8.0 s / 20.0 s")
        #expect(second.contains("global round-robin"))
        t.keys("[")
        let back = try t.wait(for: "t=3.0 s / 20.0 s")
        #expect(back.contains("global least-outstanding") && back.contains("SPIKE x2"))
        // A typed time, then a step back.
        t.keys("T", "1", "2", ".", "5", "Enter")
        _ = try t.wait(for: "t=12.5 s / 20.0 s")
        t.keys("b")
        _ = try t.wait(for: "t=12.4 s / 20.0 s")
        // The full log, and out of it.
        t.keys("e")
        let log = try t.wait(for: "Event log:")
        #expect(log.contains("global policy -> round-robin") && log.contains("seek to 00:12.4"))
        t.keys("Escape")
        _ = try t.wait("the log to close") { !$0.contains("Event log:") }
        // Forward past the end: it stops there, paused, and says so.
        t.keys("}")
        let end = try t.wait(for: "END OF RECORDING", timeout: 5)
        #expect(end.contains("t=20.0 s / 20.0 s") && end.contains("end of recording"), "\(end)")
        t.keys("q")
        try checkRestored(t)
    }

    /// What the dashboard cannot run on is refused with a message and status 2 before the terminal
    /// is touched: a terminal without cursor addressing, input that is not a terminal, a bad recording.
    @Test func refusesWhatItCannotDriveWithTheTerminalUntouched() throws {
        _ = try prepare()
        let bad = NSTemporaryDirectory() + "clustertop-e2e-bad-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        try "{\"kind\":\"checkpoint\"}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        defer { unlink(bad) }
        let binary = TmuxEndToEndTests.binary
        let cases = [
            ("env LANG=C.UTF-8 TERM=dumb \(binary) watch", "cannot drive this terminal (TERM=dumb)"),
            ("env LANG=C.UTF-8 TERM=xterm-256color \(binary) watch < /dev/null", "standard input is not a terminal"),
            ("env LANG=C.UTF-8 TERM=xterm-256color \(binary) replay \(bad)", "error: \(bad):1:"),
        ]
        for (command, message) in cases {
            let t = try prepare()
            defer { t.kill() }
            t.start("\(command); echo EXITED=$?; sleep 30", width: 200, height: 20)
            let after = try t.wait(for: "EXITED=")
            #expect(after.contains("EXITED=2"), "\(command):\n\(after)")
            #expect(after.contains(message), "\(command):\n\(after)")
            #expect(t.display("#{alternate_on}") == "0")
        }
    }

    @Test func notATerminalPointsAtRun() throws {
        guard FileManager.default.isExecutableFile(atPath: TmuxEndToEndTests.binary) else {
            Issue.record("no clustertop binary at \(TmuxEndToEndTests.binary)")
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TmuxEndToEndTests.binary)
        p.arguments = []
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(message.contains("not a terminal"))
        #expect(message.contains("clustertop run"))
    }
}
