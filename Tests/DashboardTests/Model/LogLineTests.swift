import ClusterSim
import Testing

@testable import Dashboard

@Suite struct LogLineTests {
    @Test func theKindComesFromTheEventCase() {
        let cases: [(SimulationEvent, LogLine.Kind)] = [
            (.spikeStarted(factor: 2, durationSeconds: 5), .spike),
            (.spikeEnded(factor: 2), .spike),
            (.globalPolicySwitched("llumnix"), .policy),
            (.localPolicySwitched("sarathi"), .policy),
            (.instanceFailed(1), .failure),
            (.instanceStarting(4, gpu: "h100", model: "llama3-8b", tensorParallel: 1), .scaling),
            (.instanceReady(4), .scaling),
            (.instanceDraining(4), .scaling),
            (.instanceRetired(4), .scaling),
            // The wording names neither "instance" nor "scal", which a matcher on text would miss.
            (.scaleOut(freeness: 1, threshold: 2, count: 1), .scaling),
            (.scaleIn(freeness: 40, threshold: 30, instance: 0), .scaling),
            (.commandIgnored(.setGlobalPolicy("llumnix"), reason: .unknownPolicy), .policy),
            (.commandIgnored(.fail(instance: 7), reason: .instanceNotLive), .failure),
            (.commandIgnored(.add(gpu: "a10g", model: "m", tensorParallel: 1), reason: .cannotAdd), .scaling),
            (.recordingStarted(path: "s.jsonl"), .recording),
            // A path naming a policy is still a recording line.
            (.recordingStopped(path: "policy-failover.jsonl"), .recording),
        ]
        for (event, kind) in cases { #expect(LogLine.Kind(event) == kind, "\(event)") }
    }

    @Test func aSimulatorEntryKeepsItsTimeAndWording() {
        let line = LogLine(LogEntry(time: Time.seconds(3), event: .instanceReady(2)))
        #expect(line == LogLine(time: Time.seconds(3), text: "instance 2 ready", kind: .scaling))
    }
}
