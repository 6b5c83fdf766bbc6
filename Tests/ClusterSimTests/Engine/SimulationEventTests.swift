import Testing

@testable import ClusterSim

@Suite struct SimulationEventTests {
    @Test func theLogHoldsTypedEventsInOrder() throws {
        var sim = try Simulation(
            scenario: testScenario(
                count: 2, rate: 5, duration: 40,
                events: [
                    TimedEvent(atSeconds: 1, command: .spike(factor: 2, durationSeconds: 3)),
                    TimedEvent(atSeconds: 2, command: .setGlobalPolicy("least-outstanding")),
                    TimedEvent(atSeconds: 2, command: .spike(factor: 1e9, durationSeconds: 1)),
                    TimedEvent(atSeconds: 5, command: .fail(instance: 1)),
                    TimedEvent(atSeconds: 6, command: .fail(instance: 1)),
                    TimedEvent(atSeconds: 7, command: .add(gpu: "h100", model: "llama3-8b", tensorParallel: 1)),
                    TimedEvent(atSeconds: 8, command: .drain(instance: 0)),
                ]))
        sim.runToEnd()
        let events = sim.log.map(\.event)
        #expect(
            events == [
                .spikeStarted(factor: 2, durationSeconds: 3),
                .globalPolicySwitched("least-outstanding"),
                .commandIgnored(
                    .spike(factor: 1e9, durationSeconds: 1),
                    reason: .outOfBounds(
                        key: "factor",
                        message: try #require(Command.spike(factor: 1e9, durationSeconds: 1).problem()?.message))),
                .spikeEnded(factor: 2),
                .instanceFailed(1),
                .commandIgnored(.fail(instance: 1), reason: .instanceNotLive),
                .instanceStarting(2, gpu: "h100", model: "llama3-8b", tensorParallel: 1),
                .instanceDraining(0),
                .instanceRetired(0),
                .instanceReady(2),
            ])
        #expect(sim.log.map(\.time).first == Time.seconds(1))
    }

    @Test func descriptionsKeepTheLogWording() {
        let cases: [(SimulationEvent, String)] = [
            (.spikeStarted(factor: 4, durationSeconds: 20), "spike x4.00 for 20.0 s"),
            (.spikeEnded(factor: 4), "spike x4.00 ended"),
            (.globalPolicySwitched("llumnix"), "global policy -> llumnix"),
            (.localPolicySwitched("sarathi"), "local policy -> sarathi"),
            (.instanceFailed(3), "instance 3 failed"),
            (
                .instanceStarting(5, gpu: "a100", model: "llama3-8b", tensorParallel: 2),
                "instance 5 starting (a100, llama3-8b, tp 2)"
            ),
            (.instanceReady(5), "instance 5 ready"),
            (.instanceDraining(2), "instance 2 draining"),
            (.instanceRetired(2), "instance 2 drained and retired"),
            (.scaleOut(freeness: 1.4, threshold: 2, count: 3), "autoscale: freeness 1.4 < 2, adding 3"),
            (.scaleIn(freeness: 40, threshold: 30, instance: 4), "autoscale: freeness 40.0 > 30, draining 4"),
            (
                .commandIgnored(.setGlobalPolicy("llumnix"), reason: .unknownPolicy),
                "unknown global policy llumnix; ignored"
            ),
            (
                .commandIgnored(.setLocalPolicy("sarathi"), reason: .unknownPolicy),
                "unknown local policy sarathi; ignored"
            ),
            (.commandIgnored(.fail(instance: 9), reason: .instanceNotLive), "no live instance 9 to fail; ignored"),
            (
                .commandIgnored(.drain(instance: 9), reason: .instanceNotActive),
                "no active instance 9 to drain; ignored"
            ),
            (
                .commandIgnored(.add(gpu: "a10g", model: "llama3-70b", tensorParallel: 1), reason: .cannotAdd),
                "cannot add llama3-70b on a10g tp 1; ignored"
            ),
            (.recordingStarted(path: "s.jsonl"), "recording to s.jsonl"),
            (.recordingStopped(path: "s.jsonl"), "recording stopped (s.jsonl)"),
        ]
        for (event, text) in cases { #expect(event.description == text) }
    }
}
