import ClusterSim
import Testing

@testable import ClustertopCLI

@Suite struct CalibrateCommandTests {
    @Test func aFitNeedsAProfileAndAGPUOrRuns() {
        let outcome = clustertop("calibrate")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: expected --profile and --gpu (a cost-model fit) or --runs (an engine fit)\n")
    }

    @Test func anUnknownGPUGetsAHint() {
        let outcome = clustertop("calibrate", "--profile", "/nonexistent/profile.csv", "--gpu", "h1000")
        #expect(outcome.status == 2)
        #expect(outcome.errors.hasPrefix("error: --gpu: unknown GPU \"h1000\"; did you mean \"h100\"? (known: h100, "))
    }

    @Test func anUnknownGPUIsRefusedWhateverElseIsMissing() {
        let outcome = clustertop("calibrate", "--gpu", "h900")
        #expect(outcome.status == 2)
        #expect(
            outcome.errors.hasPrefix("error: --gpu: unknown GPU \"h900\"; did you mean \"h100\"? (known: h100, "),
            "\(outcome.errors)")
        #expect(outcome.errors.hasSuffix("(known: \(GPUCatalog.ids.joined(separator: ", ")))\n"))
    }

    @Test func aRunArgumentIsCheckedBeforeAnyFit() {
        let outcome = clustertop("calibrate", "--runs", "a,b,0")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: --runs a,b,0: expected a whole number of output tokens, got \"0\"\n")
    }
}
