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
            #expect(outcome.output.contains("  \(id) "), "\(id)")
        }
    }

    @Test func jsonNamesEveryLocalID() throws {
        let outcome = clustertop("policies", "--format", "json")
        #expect(outcome.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        #expect(json["local_ids"] as? [String] == LocalPolicy.allIDs)
    }
}
