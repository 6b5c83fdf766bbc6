import Foundation
import Testing

@testable import ClusterSim

/// The disaggregation keys of a scenario: `cluster[].role`, `policy.decode_choice`, and the
/// `role` and `decode_choice` events; read, checked with located errors, and carried by recordings.
@Suite struct ScenarioDisaggregationTests {
    static let valid = """
        name: pd
        seed: 3
        duration_s: 10
        cluster:
          - {gpu: h100, model: llama3-8b, count: 1, role: prefill}
          - {gpu: h100, model: llama3-8b, count: 2, role: decode}
        policy: {global: least-outstanding, decode_choice: transfer-aware}
        tenants:
          - {name: chat, slo: {ttft_ms: 500, tpot_ms: 50}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 6}
            input_tokens: {dist: fixed, value: 300}
            output_tokens: {dist: fixed, value: 40}
        events:
          - {at_s: 2, role: {instance: 2, role: prefill}}
          - {at_s: 4, decode_choice: least-loaded}
        """

    func error(_ text: String) -> String {
        do {
            _ = try ScenarioParser.parse(text, file: "x.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func readsRolesTheDecodeChoiceAndTheirEvents() throws {
        let s = try ScenarioParser.parse(Self.valid, file: "x.yaml")
        #expect(s.cluster.map(\.role) == [.prefill, .decode])
        #expect(s.policy.decodeChoice == .transferAware)
        #expect(s.events.map(\.command) == [.setRole(instance: 2, role: .prefill), .setDecodeChoice(.leastLoaded)])
        let sim = try Simulation(scenario: s)
        #expect(sim.instances.map(\.role) == [.prefill, .decode, .decode])
        #expect(sim.transfers.decodeChoice == .transferAware)
        // Without the keys: mixed instances and the least-loaded choice.
        let plain = try ScenarioParser.parse(
            Self.valid.replacingOccurrences(of: ", role: prefill}\n  -", with: "}\n  -")
                .replacingOccurrences(of: ", role: decode}", with: "}")
                .replacingOccurrences(of: ", decode_choice: transfer-aware", with: ""), file: "x.yaml")
        #expect(plain.cluster.map(\.role) == [.mixed, .mixed])
        #expect(plain.policy.decodeChoice == .leastLoaded)
    }

    @Test func badValuesAreLocatedErrors() {
        #expect(
            error(Self.valid.replacingOccurrences(of: "role: decode}", with: "role: decoder}"))
                == "x.yaml:6:51: cluster[1].role: expected one of mixed, prefill, decode, got \"decoder\"; did you mean \"decode\"?"
        )
        #expect(
            error(Self.valid.replacingOccurrences(of: "decode_choice: transfer-aware", with: "decode_choice: nearest"))
                == "x.yaml:7:52: policy.decode_choice: expected one of least-loaded, transfer-aware, got \"nearest\""
        )
        #expect(
            error(
                Self.valid.replacingOccurrences(
                    of: "{instance: 2, role: prefill}", with: "{instance: 5, role: prefill}"))
                == "x.yaml:16:5: events[0]: instance 5 does not exist at 2 s (instances 0 to 2)")
        #expect(
            error(
                Self.valid.replacingOccurrences(
                    of: "{instance: 2, role: prefill}", with: "{instance: 2, pool: prefill}")
            )
            .hasPrefix("x.yaml:16:35: events[0].role: unknown key \"pool\""))
        let add = Self.valid + "\n  - {at_s: 5, add: {gpu: h100, model: llama3-8b, role: decode}}"
        #expect(
            error(add)
                == "x.yaml:18:56: events[2].add.role: an added instance starts mixed; move it to a pool with a role event"
        )
    }

    @Test func roleAndDecodeChoiceCommandsRoundTripThroughARecordingAndReplayExactly() throws {
        let scenario = try ScenarioParser.parse(Self.valid, file: "x.yaml")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clustertop-pd-\(UUID().uuidString).jsonl"
        ).path
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: path, baseDirectory: "/", checkpointSeconds: 2)
        session.advance(to: Time.seconds(3.3))
        session.apply(.setRole(instance: 0, role: .decode))
        session.apply(.setDecodeChoice(.transferAware))
        session.advance(to: Time.seconds(6.1))
        session.apply(.setRole(instance: 1, role: .prefill))
        session.runToEnd()
        let recorded = Report(session.sim).jsonText
        #expect(recorded.contains("\"disaggregation\""))
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let commands: [Command] = recording.entries.compactMap {
            if case .command(_, _, let c) = $0 { c } else { nil }
        }
        #expect(
            commands == [
                .setRole(instance: 0, role: .decode), .setDecodeChoice(.transferAware),
                .setRole(instance: 1, role: .prefill),
            ])
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.jsonText == recorded)
    }

    @Test func theCommandsReadWellInTheLog() {
        #expect(Command.setRole(instance: 3, role: .decode).summary == "instance 3 -> decode pool after draining")
        #expect(Command.setDecodeChoice(.transferAware).summary == "decode choice -> transfer-aware")
        #expect(Command.setRole(instance: -1, role: .decode).problem()?.key == "instance")
    }
}
