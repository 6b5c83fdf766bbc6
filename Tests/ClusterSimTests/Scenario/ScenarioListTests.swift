import Foundation
import Testing

@testable import ClusterSim

@Suite struct ScenarioListTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../../Scenarios")

    @Test func eachScenarioIsListedOnce() throws {
        let shipped = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        let listed = BuiltinScenarios.names + ScenarioList.files(shipped).map { String($0.dropLast(5)) }
        #expect(listed.count == Set(listed).count)
        #expect(listed.filter { $0 == "default" }.count == 1)
        #expect(Set(listed) == Set(shipped.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }))
    }

    @Test func headlinesAreWholeAndWrappedWithin80Columns() throws {
        var rows: [(name: String, text: String)] = []
        for file in ScenarioList.files(try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)) {
            let name = String(file.dropLast(5))
            let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            rows.append((name, try #require(ScenarioList.headline(text, name: name), "\(file) has a header comment")))
        }
        let lines = ScenarioList.lines(rows)
        #expect(lines.allSatisfy { $0.count <= 80 })
        // Every word of every headline is printed, in order.
        let printed = lines.flatMap { $0.split(separator: " ") }
        let expected = rows.flatMap { [Substring($0.name)] + $0.text.split(separator: " ") }
        #expect(printed == expected)
        let failover = try #require(rows.first { $0.name == "failover" })
        #expect(failover.text.hasSuffix("(it needs 20 s to load before it serves)."))
    }

    @Test func aLongWordStaysWhole() {
        let word = String(repeating: "x", count: 100)
        #expect(ScenarioList.lines([("a", "b \(word) c")], columns: 20) == ["a  b", "   \(word)", "   c"])
    }
}
