import Foundation
import Testing

@testable import ClusterSim

@Suite struct RecordingTests {
    static let scenarioText = """
        name: rec
        seed: 5
        duration_s: 40
        cluster:
          - {gpu: h100, model: llama3-8b, count: 3}
        tenants:
          - {name: chat, slo: {ttft_ms: 800, tpot_ms: 60}}
        workload:
          - tenant: chat
            arrival: {process: gamma, rate: 30, cv: 2}
            input_tokens: {dist: lognormal, mean: 800, sigma: 0.8, max: 4000}
            output_tokens: {dist: lognormal, mean: 150, sigma: 0.6, max: 800}
        events:
          - {at_s: 10, spike: {factor: 2, duration_s: 5}}
        """

    func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-\(name)-\(UUID().uuidString).jsonl")
            .path
    }

    /// Records a session with user commands at awkward instants (two at the same instant, one
    /// between checkpoints, one after arrivals stop); returns the file and the report text.
    func recordSession(path: String, complete: Bool = true) throws -> String {
        let scenario = try ScenarioParser.parse(Self.scenarioText, file: "rec.yaml")
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: path, baseDirectory: "/", checkpointSeconds: 5)
        session.advance(to: Time.seconds(7.3))
        session.apply(.setLocalPolicy("sarathi"))
        session.apply(.spike(factor: 3, durationSeconds: 2))
        session.advance(to: Time.seconds(7.3))
        session.apply(.fail(instance: 1))
        session.advance(to: Time.seconds(21.05))
        session.apply(.add(gpu: "h100", model: "llama3-8b", tensorParallel: 1))
        session.advance(to: Time.seconds(45))
        session.apply(.setGlobalPolicy("least-outstanding"))
        if complete {
            session.runToEnd()
        } else {
            session.advance(to: Time.seconds(50))
            session.stopRecording()
        }
        return Report(session.sim).jsonText
    }

    @Test func recordThenReplayGivesTheIdenticalReport() throws {
        let path = temporaryFile("full")
        let recorded = try recordSession(path: path)
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(recording.entries.filter { if case .command = $0 { true } else { false } }.count == 5)
        #expect(recording.entries.filter { if case .checkpoint = $0 { true } else { false } }.count >= 9)
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.jsonText == recorded)
        #expect(outcome.summary.contains("final report match"))
    }

    @Test func aNoteIsRecordedAndItsReplayLogsItAtItsInstant() throws {
        let path = temporaryFile("note")
        let scenario = try ScenarioParser.parse(Self.scenarioText, file: "rec.yaml")
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: path, baseDirectory: "/", checkpointSeconds: 5)
        session.advance(to: Time.seconds(12))
        session.apply(.setGlobalPolicy("least-outstanding"))
        session.apply(.note("what-if: switched to least-outstanding / vllm-v0"))
        session.runToEnd()
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(
            recording.entries.compactMap(\.command).map(\.command).last
                == .note("what-if: switched to least-outstanding / vllm-v0"))
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.jsonText == Report(session.sim).jsonText)
        let noted = outcome.simulation.log.filter {
            $0.event == .noted("what-if: switched to least-outstanding / vllm-v0")
        }
        #expect(noted.map(\.time) == [Time.seconds(12)])
        // A note changes nothing in the cluster: the run without it ends the same.
        var plain = Session(try Simulation(scenario: scenario))
        plain.advance(to: Time.seconds(12))
        plain.apply(.setGlobalPolicy("least-outstanding"))
        plain.runToEnd()
        #expect(Report(plain.sim).jsonText == Report(session.sim).jsonText)
        #expect(
            Command.note(String(repeating: "x", count: 201)).problem()?.message
                == "expected at most 200 characters, got 201")
    }

    @Test func aRecordingStoppedMidSessionReplaysToThatInstant() throws {
        let path = temporaryFile("stopped")
        let recorded = try recordSession(path: path, complete: false)
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(recording.finalReport?.complete == false)
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.jsonText == recorded)
    }

    @Test func aRecordingStartedMidSessionStillReplaysFromTheStart() throws {
        let scenario = try ScenarioParser.parse(Self.scenarioText, file: "rec.yaml")
        var session = Session(try Simulation(scenario: scenario))
        session.advance(to: Time.seconds(3))
        session.apply(.spike(factor: 2, durationSeconds: 3))
        session.advance(to: Time.seconds(12))
        let path = temporaryFile("late")
        try session.startRecording(path: path, baseDirectory: "/")
        session.apply(.drain(instance: 2))
        session.runToEnd()
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.jsonText == Report(session.sim).jsonText)
    }

    @Test func aRecordingCutMidLineReplaysUpToItsLastCompleteLine() throws {
        let path = temporaryFile("cut")
        _ = try recordSession(path: path)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        // Drop the report line and half of the line before it, as a kill mid-write would.
        var lines = data.split(separator: UInt8(ascii: "\n"))
        lines.removeLast()
        let half = lines.removeLast().prefix(20)
        data = Data(lines.joined(separator: [UInt8(ascii: "\n")])) + Data([UInt8(ascii: "\n")]) + Data(half)
        let recording = try Recording.read(data, file: path)
        #expect(recording.truncatedAtLine == lines.count + 1)
        #expect(recording.finalReport == nil)
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.summary.contains("cut at line"))
        #expect(outcome.simulation.isFinished)
    }

    @Test func aReplayThatDivergesNamesTheCheckpointAndTheFigure() throws {
        let path = temporaryFile("tampered")
        _ = try recordSession(path: path)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        // Tamper with the second checkpoint's completed count.
        var lines = text.components(separatedBy: "\n")
        let checkpointLines = lines.indices.filter { lines[$0].contains("\"kind\":\"checkpoint\"") }
        let k = checkpointLines[1]
        let regex = try Regex(#""completed":(\d+)"#)
        if let match = lines[k].firstMatch(of: regex), let n = Int(lines[k][match.range].split(separator: ":")[1]) {
            lines[k].replaceSubrange(match.range, with: "\"completed\":\(n + 1)")
        }
        text = lines.joined(separator: "\n")
        let recording = try Recording.read(Data(text.utf8), file: path)
        let outcome = try recording.replay()
        let divergence = try #require(outcome.divergence)
        #expect(divergence.hasPrefix("at checkpoint 2 (t=10.0 s): completed is"))
        #expect(divergence.contains("in the recording"))
    }

    @Test func aChangedTraceIsADivergence() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clustertop-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let trace = folder.appendingPathComponent("t.csv")
        try "arrival_s,input_tokens,output_tokens\n0.5,100,10\n1.5,200,20\n".write(
            to: trace, atomically: true, encoding: .utf8)
        let text = """
            name: traced
            duration_s: 10
            cluster: [{gpu: h100, model: llama3-8b}]
            tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
            workload: [{tenant: t, trace: {format: csv, file: t.csv}}]
            """
        let scenario = try ScenarioParser.parse(text, file: "traced.yaml", baseDirectory: folder.path)
        var session = Session(try Simulation(scenario: scenario))
        let path = temporaryFile("traced")
        try session.startRecording(path: path, baseDirectory: folder.path)
        session.runToEnd()
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(try recording.replay().divergence == nil)
        try "arrival_s,input_tokens,output_tokens\n0.5,100,10\n1.5,201,20\n".write(
            to: trace, atomically: true, encoding: .utf8)
        // The trace is read with the recording (its scenario is checked then); the replay is
        // checked like any other (exit status 1), the first differing figure named with the cause.
        let changed = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let divergence = try #require(try changed.replay().divergence)
        #expect(divergence.contains("trace t.csv changed since the recording (digest"), "\(divergence)")
        #expect(divergence.hasPrefix("at checkpoint") || divergence.hasPrefix("in the final report"), "\(divergence)")
        // Under another policy the same arrivals replay without checks.
        #expect(try changed.replay(local: "sarathi").divergence == nil)
    }

    @Test func calibrationsTravelInTheRecording() throws {
        var scenario = try ScenarioParser.parse(Self.scenarioText, file: "rec.yaml")
        var constants = CostConstants.builtin(for: GPUCatalog.spec("h100")!)
        constants.overhead *= 3
        scenario.calibrations["h100"] = constants
        var session = Session(try Simulation(scenario: scenario))
        let path = temporaryFile("calibrated")
        try session.startRecording(path: path, baseDirectory: "/")
        session.runToEnd()
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(recording.header.calibrations["h100"] == constants)
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.jsonText == Report(session.sim).jsonText)
    }

    @Test func otherPoliciesReplayTheSameArrivals() throws {
        let path = temporaryFile("compare")
        _ = try recordSession(path: path)
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let same = try recording.replay()
        let other = try recording.replay(global: "round-robin", local: "vllm-v0")
        #expect(other.report.double("requests.arrived") == same.report.double("requests.arrived"))
        #expect(other.report.jsonText != same.report.jsonText)
    }

    @Test func badRecordingsAreExplained() {
        func message(_ text: String) -> String {
            do {
                _ = try Recording.read(Data(text.utf8), file: "r.jsonl")
                return "ok"
            } catch {
                return error.description
            }
        }
        #expect(message("") == "r.jsonl: empty recording (no header line)")
        #expect(
            message("{\"kind\":\"command\"}\n")
                == "r.jsonl:1: expected the header line first; is this a clustertop recording?")
        #expect(message("garbage\n{}\n") == "r.jsonl:1: not a recording line (expected a JSON object)")
    }

    /// `recordSession`'s recording with its lines edited by `edit` (line number from 1, JSON object).
    func tampered(_ edit: (Int, inout [String: Any]) -> Void) throws -> String {
        let path = temporaryFile("hostile")
        _ = try recordSession(path: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        var out: [String] = []
        for (n, line) in lines.enumerated() {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            edit(n + 1, &object)
            out.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        do {
            _ = try Recording.read(Data((out.joined(separator: "\n") + "\n").utf8), file: "r.jsonl")
            return "ok"
        } catch {
            return error.description
        }
    }

    @Test func recordingsAreCheckedAsScenariosAre() throws {
        func header(_ key: String, _ value: Any) throws -> String {
            try tampered { n, o in if n == 1 { o[key] = value } }
        }
        /// Replaces the first recorded command (line 3: the local policy switch at 7.3 s).
        func command(_ c: [String: Any]) throws -> String {
            try tampered { n, o in if n == 3 { o["command"] = c } }
        }
        #expect(
            try header("duration_s", 1e300)
                == "r.jsonl:1: duration_s: expected a positive number of seconds above 0 to 604800, got 1e+300")
        #expect(
            try header("duration_s", -5)
                == "r.jsonl:1: duration_s: expected a positive number of seconds above 0 to 604800, got -5")
        #expect(try header("local", "vllm-v9").hasPrefix("r.jsonl:1: local: expected one of vllm-v0"))
        #expect(
            try header("scenario_text", String(repeating: "? ", count: 50_000))
                == "r.jsonl:1: the recorded scenario: rec.yaml:1:129: lists or mappings nested deeper than 64 levels; a scenario is never that deep"
        )
        var constants: [String: Any] = [:]
        for (k, name) in CostConstants.names.enumerated() { constants[name] = CostConstants.h100[index: k] }
        constants["attentionEfficiency"] = 0
        #expect(
            try header("calibrations", ["h100": constants])
                == "r.jsonl:1: calibrations.h100.attention_efficiency: expected a number from 0.0001 to 4, got 0")
        #expect(
            try command(["type": "spike", "factor": -2, "duration_s": 5])
                == "r.jsonl:3: command.factor: expected a positive factor above 0 to 1000, got -2")
        #expect(
            try command(["type": "spike", "factor": 2, "duration_s": 1e300])
                == "r.jsonl:3: command.duration_s: expected a positive number of seconds above 0 to 604800, got 1e+300")
        #expect(
            try command(["type": "add", "gpu": "h100", "model": "llama3-8b", "tp": 1_000_000]).hasPrefix(
                "r.jsonl:3: command.tp: expected a tensor-parallel degree of 1, 2, 4 or 8"))
        #expect(
            try command(["type": "add", "gpu": "h100", "model": "llama3-8b", "tp": 3]).hasPrefix(
                "r.jsonl:3: command.tp:"))
        #expect(try header("global", "rr").hasPrefix("r.jsonl:1: global: expected one of round-robin, "))
        #expect(
            try command(["type": "local", "id": "sarathix"]).hasPrefix(
                "r.jsonl:3: command.local: expected one of vllm-v0, "))
        #expect(try command(["type": "local", "id": "sarathix"]).hasSuffix("; did you mean \"sarathi\"?"))
        #expect(
            try command(["type": "global", "id": "rr"]).hasPrefix(
                "r.jsonl:3: command.global: expected one of round-robin, "))
        #expect(
            try command(["type": "fail", "instance": 9])
                == "r.jsonl:3: command: instance 9 does not exist at 7.3 s (instances 0 to 2)")
        // Three x1000 spikes: the same request budget as a scenario's.
        #expect(
            try tampered { n, o in
                if (3...5).contains(n) { o["command"] = ["type": "spike", "factor": 1000, "duration_s": 30] }
            }.hasPrefix("r.jsonl:1: duration_s: the workload would bring about"))
        #expect(
            try tampered { n, o in if n == 4 { o["t_us"] = -1 } }.hasPrefix("r.jsonl:4: t_us: expected an instant from")
        )
        #expect(try tampered { _, _ in } == "ok")
    }

    @Test func addsPastTheInstanceLimitAreRefused() throws {
        let text = Self.scenarioText.replacingOccurrences(of: "count: 3", with: "count: 4095")
        let scenario = try ScenarioParser.parse(text, file: "rec.yaml")
        let path = temporaryFile("adds")
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: path, baseDirectory: "/")
        session.apply(.add(gpu: "h100", model: "llama3-8b", tensorParallel: 1))
        session.apply(.add(gpu: "h100", model: "llama3-8b", tensorParallel: 1))
        session.advance(to: Time.seconds(1))
        // The engine ignores the second add; a recording that holds it is refused.
        #expect(session.sim.instances.count == 4096)
        session.stopRecording()
        #expect(throws: RecordingError.self) {
            _ = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        }
    }
}

/// The dashboard's speed travels in the header, so a replay starts at it.
@Suite struct RecordedSpeedTests {
    func header(speed: Double?) throws -> Recording.Header {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clustertop-speed-\(UUID().uuidString).jsonl"
        ).path
        defer { unlink(path) }
        let scenario = try ScenarioParser.parse(RecordingTests.scenarioText, file: "rec.yaml")
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: path, baseDirectory: "/", speed: speed)
        session.advance(to: Time.seconds(2))
        session.stopRecording()
        return try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path).header
    }

    @Test func theSpeedIsReadBackAsWritten() throws {
        #expect(try header(speed: 20).speed == 20)
        #expect(try header(speed: 0.25).speed == 0.25)
        #expect(try header(speed: .infinity).speed == .infinity)
        // Headless runs and recordings made before the field: no speed (a replay starts at 1x).
        #expect(try header(speed: nil).speed == nil)
    }

    @Test func aBadSpeedIsALocatedError() throws {
        let tests = RecordingTests()
        for bad: Any in [0, 5000, "fast", -1] {
            let message = try tests.tampered { n, o in if n == 1 { o["speed"] = bad } }
            #expect(message.hasPrefix("r.jsonl:1: speed: expected a number from 0.1 to 1000 or \"max\""), "\(message)")
        }
    }
}
