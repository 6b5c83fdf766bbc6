import Foundation

/// A session recording: everything needed to replay a run exactly (JSON Lines, one object a line).
///
/// Lines, in order of simulated time:
/// - `header`: format version, clustertop version, the scenario's full text and source, the
///   effective seed, policies and duration, the checkpoint period, and each trace file's digest;
/// - `command`: a command and the simulated instant (µs) it took effect;
/// - `checkpoint`: cumulative figures at a multiple of the checkpoint period;
/// - `report`: the report at the end (complete: the run drained; otherwise the instant recording stopped).
/// Each line is written and flushed as it happens, so a session killed at any moment leaves a
/// file that replays up to its last complete line.
public struct Recording: Sendable {
    public static let formatVersion = 1

    public struct Header: Sendable {
        public var clustertopVersion: String
        public var scenarioSource: String
        public var scenarioText: String
        /// Folder that trace paths in the scenario are relative to.
        public var baseDirectory: String
        public var seed: UInt64
        public var globalPolicy: String
        public var localPolicy: String
        public var durationSeconds: Double
        public var checkpointSeconds: Double
        public var traces: [(file: String, digest: String)]
        /// Cost-model constants per GPU type that the run used instead of the built-in ones.
        public var calibrations: [String: CostConstants]
        /// The dashboard's speed when recording started (simulated seconds per wall second,
        /// `.infinity` for as fast as possible); nil for headless runs and older recordings.
        public var speed: Double? = nil
    }

    public struct Checkpoint: Sendable, Hashable {
        public var time: SimTime
        public var events: Int64
        public var figures: [(name: String, value: Int64)]
        public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
            a.time == b.time && a.events == b.events && a.figures.map(\.name) == b.figures.map(\.name)
                && a.figures.map(\.value) == b.figures.map(\.value)
        }
        public func hash(into h: inout Hasher) { h.combine(time) }
    }

    public enum Entry: Sendable {
        /// A command, the instant it took effect and the number of events handled before it.
        case command(SimTime, events: Int64, Command)
        case checkpoint(Checkpoint)
    }

    public var header: Header
    public var entries: [Entry]
    /// The final report's JSON text, its instant, and whether the run had drained.
    public var finalReport: (json: String, time: SimTime, complete: Bool)?
    /// Set when the last line was cut (the session was killed mid-write).
    public var truncatedAtLine: Int?
    /// The scenario the header describes, checked and with its overrides applied.
    let recordedScenario: Scenario

    /// The cumulative figures a checkpoint compares.
    public static func figures(_ sim: Simulation) -> [(name: String, value: Int64)] {
        [
            ("arrived", sim.metrics.arrived), ("completed", sim.metrics.completed), ("rejected", sim.metrics.rejected),
            ("output_tokens", sim.metrics.outputTokens),
            ("iterations", sim.instances.reduce(0) { $0 + $1.iterations }),
            ("preemptions", sim.instances.reduce(0) { $0 + $1.preemptions }), ("migrations", sim.metrics.migrations),
            ("kv_used_block_seconds", Int64(sim.metrics.kvUsedIntegral / 1e6)),
        ]
    }
}

// MARK: - Commands as JSON

extension Command {
    var jsonObject: [String: Any] {
        switch self {
        case .spike(let f, let d): ["type": "spike", "factor": f, "duration_s": d]
        case .setGlobalPolicy(let id): ["type": "global", "id": id.rawValue]
        case .setLocalPolicy(let id): ["type": "local", "id": id.rawValue]
        case .fail(let i): ["type": "fail", "instance": i]
        case .add(let gpu, let model, let tp): ["type": "add", "gpu": gpu, "model": model, "tp": tp]
        case .drain(let i): ["type": "drain", "instance": i]
        case .setRole(let i, let role): ["type": "role", "instance": i, "role": role.rawValue]
        case .setDecodeChoice(let c): ["type": "decode_choice", "id": c.rawValue]
        case .note(let text): ["type": "note", "text": text]
        }
    }

    /// The command `o` holds, or nil when it holds none; throws for a policy id that names no policy.
    init?(jsonObject o: [String: Any]) throws(UnknownID) {
        switch o["type"] as? String {
        case "spike":
            guard let f = o["factor"] as? Double, let d = o["duration_s"] as? Double else { return nil }
            self = .spike(factor: f, durationSeconds: d)
        case "global":
            guard let id = o["id"] as? String else { return nil }
            self = .setGlobalPolicy(try GlobalPolicyID(parsing: id))
        case "local":
            guard let id = o["id"] as? String else { return nil }
            self = .setLocalPolicy(try LocalPolicyID(parsing: id))
        case "fail":
            guard let i = o["instance"] as? Int else { return nil }
            self = .fail(instance: i)
        case "drain":
            guard let i = o["instance"] as? Int else { return nil }
            self = .drain(instance: i)
        case "role":
            guard let i = o["instance"] as? Int, let name = o["role"] as? String,
                let role = InstanceRole(rawValue: name)
            else { return nil }
            self = .setRole(instance: i, role: role)
        case "decode_choice":
            guard let name = o["id"] as? String, let c = DecodeChoice(rawValue: name) else { return nil }
            self = .setDecodeChoice(c)
        case "add":
            guard let g = o["gpu"] as? String, let m = o["model"] as? String, let tp = o["tp"] as? Int else {
                return nil
            }
            self = .add(gpu: g, model: m, tensorParallel: tp)
        case "note":
            guard let text = o["text"] as? String else { return nil }
            self = .note(text)
        default:
            return nil
        }
    }
}

// MARK: - Writing

/// Appends a recording's lines to a file as they happen, one write per line.
///
/// The file is opened as `OutputFile` opens paths (written in place, or as a stream). A failed
/// write stops the recording: `failure` says why, and nothing more is written.
///
/// Used from one thread at a time (the simulator's); not shared.
public final class RecordingWriter: @unchecked Sendable {
    public let path: String
    public let checkpointSeconds: Double
    let file: OutputFile
    var nextCheckpoint: SimTime
    /// The first write that failed, if any.
    public private(set) var failure: OutputError?

    /// Opens `path` and writes the header and every command `sim` applied so far, so a recording
    /// started mid-session still replays from the start.
    public init(
        path: String, sim: Simulation, baseDirectory: String, checkpointSeconds: Double = 10, speed: Double? = nil
    ) throws(OutputError) {
        self.path = path
        self.checkpointSeconds = checkpointSeconds
        file = try OutputFile(path: path)
        let step = Time.seconds(checkpointSeconds)
        nextCheckpoint = (sim.now / step + 1) * step
        let s = sim.scenario
        var traces: [[String: Any]] = []
        for stream in s.workload {
            // The path as the scenario wrote it: the replay resolves it against `base_directory`.
            if case .trace(let t) = stream.arrival { traces.append(["file": t.file, "digest": t.trace.digest]) }
        }
        var calibrations: [String: Any] = [:]
        for (gpu, constants) in s.calibrations {
            if let data = try? JSONEncoder().encode(constants),
                let object = try? JSONSerialization.jsonObject(with: data)
            {
                calibrations[gpu] = object
            }
        }
        var header: [String: Any] = [
            "kind": "header", "format": Recording.formatVersion, "clustertop": ClusterSimVersion.string,
            "calibrations": calibrations,
            "scenario_source": s.source, "scenario_text": s.sourceText, "base_directory": baseDirectory,
            "seed": s.seed, "global": s.policy.global.rawValue, "local": s.policy.local.rawValue,
            "duration_s": s.durationSeconds, "params": s.policy.params.values,
            "checkpoint_s": checkpointSeconds, "traces": traces,
        ]
        if let speed { header["speed"] = speed.isFinite ? speed as Any : "max" }
        write(header)
        for entry in sim.commandLog { command(entry.command, at: entry.time, events: entry.events) }
    }

    func write(_ object: [String: Any]) {
        guard failure == nil,
            var data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        data.append(UInt8(ascii: "\n"))
        do {
            try file.write(data)
        } catch {
            failure = error
        }
    }

    public func command(_ c: Command, at time: SimTime, events: Int64) {
        write(["kind": "command", "t_us": time, "events": events, "command": c.jsonObject])
    }

    /// The next instant a checkpoint is due.
    public var checkpointDue: SimTime { nextCheckpoint }

    /// Writes the checkpoint for `sim`, which must stand at `checkpointDue`.
    public func checkpoint(_ sim: Simulation) {
        var figures: [String: Any] = [:]
        for (name, value) in Recording.figures(sim) { figures[name] = value }
        write(["kind": "checkpoint", "t_us": sim.now, "events": sim.eventsHandled, "figures": figures])
        nextCheckpoint += Time.seconds(checkpointSeconds)
    }

    /// Writes the final report of `sim` (complete: the run drained).
    public func finish(_ sim: Simulation, complete: Bool) {
        write(["kind": "report", "t_us": sim.now, "complete": complete, "report": Report(sim).jsonText])
        do {
            try file.close()
        } catch {
            if failure == nil { failure = error }
        }
    }
}

public struct RecordingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message.escapingControlCharacters() }
}

// MARK: - Reading

extension Recording {
    /// Recordings hold a command a line and a checkpoint every few seconds: a week-long run is a
    /// few megabytes.
    public static let maxBytes = 256 << 20

    /// Reads and checks the recording at `path`, refusing a file over `maxBytes` before reading it.
    public static func load(path: String) throws(RecordingError) -> Recording {
        let data: Data
        do {
            data = try InputFile.read(path, limit: maxBytes, sizeHint: "a recording is a few megabytes")
        } catch {
            throw RecordingError(message: error.description)
        }
        return try read(data, file: path)
    }

    /// Reads a recording; a cut last line is dropped (and noted), any other bad line is an error.
    ///
    /// Everything is checked as a scenario is, by the same code, with errors at the line of the
    /// recording: the scenario text (parsed, trace files read), the header's policies, duration
    /// and calibrations, every command (`Command.problem`, instance numbers and the request budget
    /// counted with the scenario's own events) and the order of the instants.
    public static func read(_ data: Data, file: String) throws(RecordingError) -> Recording {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let endsWithNewline = data.last == UInt8(ascii: "\n")
        if endsWithNewline { lines.removeLast() }
        var header: Header? = nil
        var headerScenario: Scenario? = nil
        var entries: [Entry] = []
        var commandLines: [Int] = []
        var final: (String, SimTime, Bool)? = nil
        var truncated: Int? = nil
        var lastTime: SimTime = 0, lastEvents: Int64 = 0
        for (n, line) in lines.enumerated() {
            let isLast = n == lines.count - 1
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
                if isLast && !endsWithNewline {
                    truncated = n + 1
                    break
                }
                throw RecordingError(message: "\(file):\(n + 1): not a recording line (expected a JSON object)")
            }
            func bad(_ what: String) -> RecordingError { RecordingError(message: "\(file):\(n + 1): \(what)") }
            let kind = object["kind"] as? String
            if header == nil {
                guard kind == "header" else {
                    throw bad("expected the header line first; is this a clustertop recording?")
                }
                guard (object["format"] as? Int) == formatVersion else {
                    throw bad(
                        "recording format \(object["format"] ?? "?") is not supported (this clustertop reads format \(formatVersion))"
                    )
                }
                guard let text = object["scenario_text"] as? String, let source = object["scenario_source"] as? String,
                    let seed = (object["seed"] as? NSNumber)?.uint64Value, let g = object["global"] as? String,
                    let l = object["local"] as? String,
                    let d = object["duration_s"] as? Double, let cp = object["checkpoint_s"] as? Double
                else { throw bad("the header lacks scenario_text, seed, policies, duration_s or checkpoint_s") }
                let global: GlobalPolicyID, local: LocalPolicyID
                do { global = try GlobalPolicyID(parsing: g) } catch { throw bad("global: \(error.message)") }
                do { local = try LocalPolicyID(parsing: l) } catch { throw bad("local: \(error.message)") }
                // A live session's duration is open-ended; anything else is bounded as duration_s is.
                if d != ScenarioParser.Limits.liveDurationSeconds,
                    let message = rangeProblem(
                        "a positive number of seconds", d, 0...ScenarioParser.Limits.maxDurationSeconds, openLow: true)
                {
                    throw bad("duration_s: \(message)")
                }
                if let message = rangeProblem(
                    "a positive number of seconds", cp, 0...ScenarioParser.Limits.maxDurationSeconds, openLow: true)
                {
                    throw bad("checkpoint_s: \(message)")
                }
                let traces = (object["traces"] as? [[String: Any]] ?? []).compactMap { t -> (String, String)? in
                    guard let f = t["file"] as? String, let d = t["digest"] as? String else { return nil }
                    return (f, d)
                }
                var calibrations: [String: CostConstants] = [:]
                for (gpu, value) in object["calibrations"] as? [String: Any] ?? [:] {
                    guard let data = try? JSONSerialization.data(withJSONObject: value),
                        let constants = try? JSONDecoder().decode(CostConstants.self, from: data)
                    else { throw bad("the calibration for \(gpu) in the header is not readable") }
                    if let message = choiceProblem(gpu, among: GPUCatalog.ids) { throw bad("calibrations: \(message)") }
                    if let (key, message) = CalibrationFile.problem(constants) {
                        throw bad("calibrations.\(gpu).\(key): \(message)")
                    }
                    calibrations[gpu] = constants
                }
                let base = object["base_directory"] as? String ?? ""
                var scenario: Scenario
                do {
                    scenario = try ScenarioParser.parse(text, file: source, baseDirectory: base)
                } catch {
                    throw bad("the recorded scenario: \(error.description)")
                }
                scenario.seed = seed
                scenario.policy.global = global
                scenario.policy.local = local
                scenario.durationSeconds = d
                // The policy parameters in force (the scenario's, and any given on the command
                // line); recordings made before they were written keep the scenario's.
                if let params = object["params"] {
                    guard let values = params as? [String: Any] else { throw bad("params: expected an object") }
                    for (name, value) in values {
                        guard PolicyRegistry.parameterNames.contains(name) else {
                            throw bad("params: unknown parameter \"\(name)\"")
                        }
                        guard let v = (value as? NSNumber)?.doubleValue, v.isFinite else {
                            throw bad("params.\(name): expected a number")
                        }
                        scenario.policy.params.values[name] = v
                    }
                }
                scenario.calibrations.merge(calibrations) { _, recorded in recorded }
                headerScenario = scenario
                header = Header(
                    clustertopVersion: object["clustertop"] as? String ?? "?", scenarioSource: source,
                    scenarioText: text,
                    baseDirectory: base, seed: seed, globalPolicy: g, localPolicy: l,
                    durationSeconds: d, checkpointSeconds: cp, traces: traces, calibrations: calibrations)
                if let speed = object["speed"] {
                    if (speed as? String) == "max" {
                        header?.speed = .infinity
                    } else if let v = (speed as? NSNumber)?.doubleValue, v >= 0.1, v <= 1000 {
                        header?.speed = v
                    } else {
                        throw bad("speed: expected a number from 0.1 to 1000 or \"max\", got \(speed)")
                    }
                }
                continue
            }
            guard let t = (object["t_us"] as? NSNumber)?.int64Value else { throw bad("missing t_us") }
            // The report line has no count of events.
            let events = (object["events"] as? NSNumber)?.int64Value ?? lastEvents
            guard t >= lastTime, t <= Time.seconds(ScenarioParser.Limits.maxSimulatedSeconds) else {
                throw bad(
                    "t_us: expected an instant from \(lastTime) (the line before) to \(Time.seconds(ScenarioParser.Limits.maxSimulatedSeconds)), got \(t)"
                )
            }
            guard events >= lastEvents else {
                throw bad("events: expected a count from \(lastEvents) (the line before), got \(events)")
            }
            lastTime = t
            lastEvents = events
            switch kind {
            case "command":
                let o = object["command"] as? [String: Any] ?? [:]
                let decoded: Command?
                do { decoded = try Command(jsonObject: o) } catch {
                    throw bad("command.\(o["type"] as? String ?? ""): \(error.message)")
                }
                guard let c = decoded else { throw bad("unknown command") }
                if let (key, message) = c.problem(hardware: headerScenario?.hardware ?? Hardware()) {
                    throw bad("command.\(key): \(message)")
                }
                entries.append(.command(t, events: events, c))
                commandLines.append(n + 1)
            case "checkpoint":
                guard let f = object["figures"] as? [String: Any] else { throw bad("checkpoint without figures") }
                let figures = f.keys.sorted().compactMap { k in (f[k] as? NSNumber).map { (k, $0.int64Value) } }
                entries.append(.checkpoint(Checkpoint(time: t, events: events, figures: figures)))
            case "report":
                guard let r = object["report"] as? String else { throw bad("report line without a report") }
                final = (r, t, object["complete"] as? Bool ?? false)
            default:
                throw bad("unknown line kind \"\(kind ?? "")\"")
            }
        }
        guard let header, let scenario = headerScenario else {
            throw RecordingError(message: "\(file): empty recording (no header line)")
        }
        let recording = Recording(
            header: header, entries: entries, finalReport: final, truncatedAtLine: truncated, recordedScenario: scenario
        )
        try recording.checkCommands(lines: commandLines, file: file)
        return recording
    }

    /// Checks the recorded commands together with the scenario's events, as the parser checks
    /// events: instance numbers and the instance limit (`ScenarioParser.checkInstanceNumbers`), and
    /// the request budget with the recorded spikes, over the span the replay will simulate.
    func checkCommands(lines: [Int], file: String) throws(RecordingError) {
        let scenario = recordedScenario
        var timeline = scenario.events.map { (atSeconds: $0.atSeconds, command: $0.command, line: 0) }
        var spikes: [ScenarioParser.Spike] = []
        for (entry, line) in zip(entries.compactMap(\.command), lines) {
            let at = Time.toSeconds(entry.time)
            timeline.append((at, entry.command, line))
            if case .spike(let factor, let seconds) = entry.command { spikes.append((at, factor, seconds)) }
        }
        let initial = scenario.cluster.reduce(0) { $0 + $1.count }
        let autoscaled = (try? Autoscaling(params: scenario.policy.params).enabled) ?? false
        if let (k, message) = ScenarioParser.instanceNumberProblem(
            timeline.map { ($0.atSeconds, $0.command) }, initial: initial, anyIndex: autoscaled)
        {
            let place =
                timeline[k].line > 0
                ? "\(file):\(timeline[k].line): command" : "\(file):1: the recorded scenario's events[\(k)]"
            throw RecordingError(message: "\(place): \(message)")
        }
        // A recording stopped mid-session (or cut short) replays up to its last instant only.
        var span = scenario.durationSeconds
        if let end = endTime { span = min(span, Time.toSeconds(end)) }
        if let message = ScenarioParser.budgetProblem(scenario, durationSeconds: span, extraSpikes: spikes) {
            throw RecordingError(message: "\(file):1: duration_s: \(message)")
        }
    }

    /// The scenario as recorded, with the recorded seed, policies, duration and calibrations.
    public func scenario() throws(ScenarioError) -> Scenario { recordedScenario }

    /// Trace files that differ from the recording: (file, recorded digest, current digest).
    public func changedTraces(_ s: Scenario) -> [(file: String, recorded: String, now: String)] {
        var current: [String: String] = [:]
        for stream in s.workload {
            if case .trace(let t) = stream.arrival { current[t.file] = t.trace.digest }
        }
        return header.traces.compactMap { f, d in current[f] == d ? nil : (f, d, current[f] ?? "missing") }
    }
}

extension Recording.Entry {
    /// The command of a command line, with its instant.
    var command: (time: SimTime, command: Command)? {
        if case .command(let t, _, let c) = self { return (t, c) }
        return nil
    }
}
