import Foundation
import Testing

/// `run --timeline FILE --timeline-requests N`.
struct TimelineOptionTests {
    @Test func writesATraceOfTheFirstRequests() throws {
        let path = temporaryPath("timeline.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = clustertop(
            "run", "default", "--duration", "5", "--quiet", "--format", "json", "--timeline", path,
            "--timeline-requests", "3")
        #expect(outcome.status == 0, "\(outcome.errors)")
        let data = try #require(FileManager.default.contents(atPath: path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        let requests = events.filter { ($0["ph"] as? String) == "X" && ($0["cat"] as? String) == "request" }
            .filter { ($0["name"] as? String)?.hasPrefix("request ") == true }
        #expect(requests.count == 3)
        #expect(events.contains { ($0["name"] as? String) == "iteration" })
        #expect(events.contains { ($0["name"] as? String) == "process_name" })
    }

    @Test func badTimelineOptionsAreBadInput() {
        let count = clustertop(
            "run", "default", "--quiet", "--timeline", temporaryPath("t.json"), "--timeline-requests", "0")
        #expect(count.status == 2 && count.errors.contains("--timeline-requests: expected 1 to 100000, got 0"))
        let place = clustertop("run", "default", "--quiet", "--timeline", "/no/such/folder/t.json")
        #expect(place.status == 2 && place.errors.contains("--timeline:"))
    }
}
