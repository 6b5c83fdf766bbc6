import Foundation
import Testing

@testable import ClusterSim

/// Where a headless replay ends: at the recording's last instant, whatever the recorded duration.
@Suite struct ReplayTests {
    /// A light cluster with a duration far beyond what is recorded, as a live session has (the
    /// dashboard's is 10^8 s): a replay that ran to the scenario's end would take minutes.
    static let liveText = """
        name: live
        seed: 3
        duration_s: 3000
        cluster:
          - {gpu: h100, model: llama3-8b, count: 1}
        tenants:
          - {name: chat, slo: {ttft_ms: 800, tpot_ms: 60}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 2}
            input_tokens: {dist: fixed, value: 200}
            output_tokens: {dist: fixed, value: 20}
        """

    func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-\(name)-\(UUID().uuidString).jsonl")
            .path
    }

    /// Records 25 simulated seconds with a spike at 4 s; `stop` ends the recording with its report,
    /// otherwise the writer is dropped as a `kill -9` would leave it (the last line a checkpoint).
    func record(stop: Bool) throws -> Recording {
        let path = temporaryFile(stop ? "stopped" : "killed")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var session = Session(try Simulation(scenario: try ScenarioParser.parse(Self.liveText, file: "live.yaml")))
        try session.startRecording(path: path, baseDirectory: "/")
        session.advance(to: Time.seconds(4))
        session.apply(.spike(factor: 2, durationSeconds: 3))
        session.advance(to: Time.seconds(25))
        if stop { session.stopRecording() }
        return try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
    }

    @Test func aKilledLiveRecordingReplaysToItsLastLine() throws {
        let recording = try record(stop: false)
        #expect(recording.finalReport == nil)
        #expect(recording.endTime == Time.seconds(20))
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.simulation.now == Time.seconds(20))
        #expect(outcome.summary.contains("stopped at its last instant (t=20.0 s)"), "\(outcome.summary)")
    }

    @Test func underOtherPoliciesTooTheReplayEndsWhereTheRecordingDoes() throws {
        let killed = try record(stop: false).replay(local: "sarathi")
        #expect(killed.simulation.now == Time.seconds(20))
        let stopped = try record(stop: true)
        #expect(stopped.endTime == Time.seconds(25))
        let compared = try stopped.replay(global: "least-outstanding"), checked = try stopped.replay()
        #expect(compared.simulation.now == Time.seconds(25))
        #expect(checked.simulation.now == Time.seconds(25) && checked.divergence == nil)
    }

    @Test func aRecordingOfADrainedRunReplaysUntilItDrains() throws {
        let path = temporaryFile("drained")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var scenario = try ScenarioParser.parse(Self.liveText, file: "live.yaml")
        scenario.durationSeconds = 12
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: path, baseDirectory: "/")
        session.runToEnd()
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        #expect(recording.endTime == nil)
        let outcome = try recording.replay(local: "sarathi")
        #expect(outcome.simulation.isFinished)
    }
}
