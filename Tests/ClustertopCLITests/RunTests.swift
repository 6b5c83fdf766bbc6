import ArgumentParser
import ClusterSim
import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct RunTests {
    @Test func printsTheReportInTheFormatAsked() throws {
        let outcome = clustertop("run", "default", "--duration", "2", "--seed", "3", "--format", "json", "--quiet")
        #expect(outcome.status == 0)
        #expect(outcome.errors == "")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        #expect(report["scenario"] as? String == "default")
        #expect(report["seed"] as? Int == 3)
    }

    @Test func anUnknownScenarioIsBadInput() {
        let outcome = clustertop("run", "no-such-scenario")
        #expect(outcome.status == 2)
        #expect(outcome.output == "")
        #expect(outcome.errors == "error: no scenario file \"no-such-scenario\" (built-in scenarios: default)\n")
    }

    @Test func aBadScenarioFileIsBadInputWithItsPlace() {
        let file = repositoryPath("Tests/ClusterSimTests/fixtures/invalid/rate-not-a-number.yaml")
        let outcome = clustertop("run", file)
        #expect(outcome.status == 2)
        #expect(outcome.output == "")
        #expect(outcome.errors.hasPrefix("error: \(file):11:39: workload[0].arrival.rate: "), "\(outcome.errors)")
        #expect(outcome.errors.hasSuffix("got \"fast\"\n"), "\(outcome.errors)")
    }

    /// Helpers throw; only `Clustertop.run(arguments:)` turns the error into a message and a status.
    @Test func theCommandThrowsACommandError() throws {
        var command = try Clustertop.parseAsRoot(["run", "default", "--duration", "0"])
        #expect(command is Run)
        let error = try #require(throws: CommandError.self) { try command.run() }
        #expect(error.status == 2)
        #expect(error.message.hasPrefix("--duration: expected seconds above 0"))
    }

    /// An unknown id fails the option's own parse, with a `CommandError` inside ArgumentParser's.
    @Test func anUnknownIdThrowsACommandErrorFromTheParse() throws {
        let thrown = try #require(throws: (any Error).self) {
            try Clustertop.parseAsRoot(["run", "default", "--local", "sarathix"])
        }
        #expect(!(thrown is CommandError))
        let error = try #require(Clustertop.commandError(wrappedIn: thrown))
        #expect(error.status == 2)
        #expect(
            error.message.hasPrefix("--local: unknown policy \"sarathix\"; did you mean \"sarathi\"? (choose from: "))
    }

    @Test func anUnknownGlobalPolicyIsBadInput() {
        let outcome = clustertop("run", "default", "--global", "rr", "--duration", "1")
        #expect(outcome.status == 2)
        #expect(outcome.output.isEmpty)
        let ids = GlobalPolicy.ids.joined(separator: ", ")
        #expect(outcome.errors == "error: --global: unknown policy \"rr\" (choose from: \(ids))\n", "\(outcome.errors)")
    }

    @Test func policyOptionsParseIntoIds() throws {
        let command = try #require(
            try Clustertop.parseAsRoot(["run", "default", "--global", "llumnix", "--local", "sarathi+mdd"]) as? Run)
        #expect(command.options.policies.globalPolicy == "llumnix")
        #expect(command.options.policies.localPolicy?.rawValue == "sarathi+mdd")
        #expect(command.options.policies.localPolicy?.order == .mdd)
    }

    @Test(arguments: ["0", "-1", "1e9"])
    func aDurationOutOfRangeIsBadInput(duration: String) {
        let outcome = clustertop("run", "default", "--duration=\(duration)")
        #expect(outcome.status == 2)
        #expect(
            outcome.errors == "error: --duration: expected seconds above 0 and up to 604800, got \(Double(duration)!)\n"
        )
    }

    @Test func aDurationPastTheRequestBudgetIsBadInput() {
        let outcome = clustertop("run", repositoryPath("Scenarios/large-64.yaml"), "--duration", "600000")
        #expect(outcome.status == 2)
        #expect(outcome.output == "")
        #expect(outcome.errors.hasPrefix("error: --duration: the workload would bring about "), "\(outcome.errors)")
        #expect(outcome.errors.hasSuffix(" are supported (lower the rates or the duration)\n"), "\(outcome.errors)")
    }

    @Test func aUsageErrorIsBadInputWithArgumentParsersMessage() {
        let outcome = clustertop("run", "--bogus")
        #expect(outcome.status == 2)
        #expect(outcome.errors.hasPrefix("Error: Unknown option '--bogus'\n"), "\(outcome.errors)")
    }

    @Test func anUnwritableRecordingIsBadInput() {
        let outcome = clustertop("run", "default", "--duration", "1", "--record", "/nonexistent/folder/session.jsonl")
        #expect(outcome.status == 2)
        #expect(outcome.errors.hasPrefix("error: --record: cannot write /nonexistent/folder/session.jsonl: "))
    }

    @Test func helpAndVersionGoToStandardOutput() {
        let help = clustertop("run", "--help")
        #expect(help.status == 0)
        #expect(help.output.hasPrefix("OVERVIEW: Run a scenario headless and print its metrics."))
        #expect(help.errors == "")
        let version = clustertop("--version")
        #expect(version.status == 0)
        #expect(version.output.hasSuffix("\n") && !version.output.isEmpty)
    }

    @Test func badParametersAreLocatedErrors() {
        let unknown = clustertop("run", "default", "--duration", "1", "--param", "max_num_seq=4")
        #expect(unknown.status == 2)
        #expect(
            unknown.errors
                == "error: --param: unknown parameter \"max_num_seq\"; did you mean \"max_num_seqs\"? (clustertop policies lists them)\n"
        )
        let range = clustertop("run", "default", "--duration", "1", "--param", "max_num_seqs=0")
        #expect(range.status == 2)
        #expect(range.errors.hasPrefix("error: --param: max_num_seqs: "), "\(range.errors)")
        let shape = clustertop("run", "default", "--duration", "1", "--param", "max_num_seqs")
        #expect(shape.errors == "error: --param: expected NAME=VALUE, got \"max_num_seqs\"\n")
        let number = clustertop("run", "default", "--duration", "1", "--param", "max_num_seqs=many")
        #expect(number.errors == "error: --param: expected a number after max_num_seqs=, got \"many\"\n")
    }
}
