import Testing

@testable import ClustertopCLI

@Suite struct ValidateTests {
    @Test func validFilesAreOk() {
        let file = repositoryPath("Scenarios/default.yaml")
        let outcome = clustertop("validate", file)
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("\(file): ok (5 instances, 3 streams, "), "\(outcome.output)")
        #expect(outcome.errors == "")
    }

    @Test func everyFileIsCheckedAndABadOneMakesStatus2() {
        let bad = repositoryPath("Tests/ClusterSimTests/fixtures/invalid/unknown-key.yaml")
        let good = repositoryPath("Scenarios/default.yaml")
        let outcome = clustertop("validate", bad, good)
        #expect(outcome.status == 2)
        #expect(outcome.output.hasPrefix("\(good): ok ("))
        #expect(outcome.errors.hasPrefix("\(bad):"), "\(outcome.errors)")
    }

    @Test func noFileIsAUsageError() {
        let outcome = clustertop("validate")
        #expect(outcome.status == 2)
        #expect(outcome.errors.hasPrefix("Error: Missing expected argument '<files> ...'"), "\(outcome.errors)")
    }
}

@Suite struct ScenariosTests {
    @Test func listsTheBuiltInAndTheFolder() {
        let outcome = clustertop("scenarios", "--folder", repositoryPath("Scenarios"))
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("default (built-in)"))
        #expect(outcome.output.contains("\nspike-recovery "))
        #expect(!outcome.output.contains("INVALID"))
        #expect(outcome.errors == "")
    }

    @Test func aMissingFolderLeavesTheBuiltIns() {
        let outcome = clustertop("scenarios", "--folder", "/nonexistent/scenarios")
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("default (built-in)"))
        #expect(outcome.errors == "(no folder /nonexistent/scenarios; showing the built-in scenarios only)\n")
    }
}
