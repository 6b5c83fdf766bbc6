import ClusterSim
import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct PoliciesTests {
    @Test func listsEveryPolicy() {
        let outcome = clustertop("policies")
        #expect(outcome.status == 0)
        #expect(outcome.errors == "")
        for id in GlobalPolicy.ids + LocalPolicy.baseIDs {
            let lines = outcome.output.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("  \(id) ") || $0 == "  \(id)" }, "\(id)")
        }
    }

    @Test func aLongIdIsShownWhole() {
        let id = "shortest-queue-by-tokens"
        let lines = Policies.entry(id: id, summary: "each request to the queue with the fewest tokens")
        #expect(lines.first == "  " + id)
        #expect(lines.dropFirst().first?.hasPrefix(String(repeating: " ", count: 22) + "each request") == true)
        #expect(Policies.entry(id: "llumnix", summary: "s") == ["  llumnix" + String(repeating: " ", count: 13) + "s"])
    }

    @Test func jsonNamesEveryLocalID() throws {
        let outcome = clustertop("policies", "--format", "json")
        #expect(outcome.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        #expect(json["local_ids"] as? [String] == LocalPolicy.allIDs)
    }
}
