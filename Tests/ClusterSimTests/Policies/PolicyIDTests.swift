import Testing

@testable import ClusterSim

@Suite struct PolicyIDTests {
    @Test func everyRegisteredIdParsesAndKeepsItsText() throws {
        #expect(GlobalPolicyID.all.map(\.rawValue) == GlobalPolicy.ids)
        #expect(LocalPolicyID.all.map(\.rawValue) == LocalPolicy.ids + ["auto"])
        #expect(LocalPolicyID.all.filter(\.isAuto) == [.auto])
        for text in GlobalPolicy.ids {
            let id = try #require(GlobalPolicyID(text))
            #expect(id.description == text)
            #expect(try GlobalPolicy(id: id).id == text)
        }
        for text in LocalPolicy.allIDs {
            let id = try #require(LocalPolicyID(text), "\(text)")
            #expect(id.rawValue == text)
        }
    }

    @Test func aLocalIdSplitsIntoMechanicsAndOrder() throws {
        let combined = try #require(LocalPolicyID("sarathi+mdd" as String))
        #expect(combined.order == .mdd)
        #expect(try LocalPolicy(id: combined).id == "sarathi+mdd")
        // A plain order runs on vLLM v1; written out, it keeps the text it was given.
        let plain = try #require(LocalPolicyID("mdd" as String))
        let written = try #require(LocalPolicyID("vllm-v1+mdd" as String))
        #expect(try LocalPolicy(id: plain) == LocalPolicy(id: written))
        #expect(plain != written)
        #expect(written.rawValue == "vllm-v1+mdd")
        #expect(LocalPolicyID("vllm-v0").order == .fcfs)
    }

    @Test(arguments: ["", "rr", "Round-Robin", "round-robin ", "sarathi"])
    func unknownGlobalIds(text: String) {
        #expect(GlobalPolicyID(text) == nil)
        #expect(throws: UnknownID.self) { try GlobalPolicyID(parsing: text) }
    }

    @Test(arguments: [
        "", "fcfs", "vllm-v0+fcfs", "sarathi+fifo", "edd+sarathi", "sarathi+", "+mdd", "llumnix", "sarathi+mdd+edd",
    ])
    func unknownLocalIds(text: String) {
        #expect(LocalPolicyID(text) == nil)
        #expect(!LocalPolicy.allIDs.contains(text))
    }

    @Test func unknownIdsGetTheScenarioMessage() {
        do {
            _ = try GlobalPolicyID(parsing: "rr")
            Issue.record("rr parsed")
        } catch {
            #expect(error.message == "expected one of \(GlobalPolicy.ids.joined(separator: ", ")), got \"rr\"")
        }
        do {
            _ = try LocalPolicyID(parsing: "sarathix")
            Issue.record("sarathix parsed")
        } catch {
            // The message lists the short ids, and suggests among them all.
            #expect(
                error.message
                    == "expected one of \(LocalPolicy.ids.joined(separator: ", ")), auto, got \"sarathix\"; did you mean \"sarathi\"?"
            )
        }
    }

    @Test func aPolicySwitchIsRecordedAsItsText() throws {
        let command = Command.setLocalPolicy("vllm-v1+mdd")
        #expect(command.jsonObject["id"] as? String == "vllm-v1+mdd")
        #expect(try Command(jsonObject: command.jsonObject) == command)
        #expect(try Command(jsonObject: Command.setGlobalPolicy("llumnix").jsonObject) == .setGlobalPolicy("llumnix"))
        #expect(throws: UnknownID.self) { try Command(jsonObject: ["type": "global", "id": "rr"]) }
    }
}
