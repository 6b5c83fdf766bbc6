import Foundation
import Testing

@testable import ClusterSim

/// The project's root folder (for the shipped scenarios and traces).
let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

func shippedTrace(_ name: String, _ format: Trace.Format) throws -> Trace {
    let url = projectRoot.appendingPathComponent("Scenarios/traces/\(name)")
    return try TraceReader.read(try Data(contentsOf: url), format: format, file: name)
}

@Suite struct TraceTests {
    @Test func azureCodeTrace() throws {
        let t = try shippedTrace("azure2023_AzureLLMInferenceTrace_code.csv", .azure)
        #expect(t.count == 8819)
        #expect(t.arrivals.first == 0 && t.arrivals.last == 3_435_948_056)
        #expect(t.inputs.reduce(0) { $0 + Int($1) } == 18_059_974)
        #expect(t.outputs.reduce(0) { $0 + Int($1) } == 245_896)
        #expect(!t.hasPrefixes)
    }

    @Test func azureConversationTrace() throws {
        let t = try shippedTrace("azure2023_AzureLLMInferenceTrace_conv.csv", .azure)
        #expect(t.count == 19366)
        #expect(t.arrivals.last == 3_501_721_937)
        #expect(t.inputs.reduce(0) { $0 + Int($1) } == 22_361_870)
        #expect(t.outputs.reduce(0) { $0 + Int($1) } == 4_088_665)
    }

    @Test func mooncakeTraces() throws {
        let c = try shippedTrace("mooncake_fast25_conversation_trace.jsonl", .mooncake)
        #expect(c.count == 12031)
        #expect(c.arrivals.first == 0 && c.arrivals.last == 3_536_999_000)
        #expect(c.inputs.reduce(0) { $0 + Int($1) } == 144_793_823)
        #expect(c.outputs.reduce(0) { $0 + Int($1) } == 4_122_048)
        #expect(c.hashIds.count == 288_500)
        #expect(Array(c.prefixBlocks(0)) == Array(0...13).map(UInt32.init))
        let s = try shippedTrace("mooncake_fast25_synthetic_trace.jsonl", .mooncake)
        #expect(s.count == 3993)
        #expect(s.arrivals.last == 1_022_025_000)
        #expect(s.inputs.reduce(0) { $0 + Int($1) } == 61_194_628)
        #expect(s.outputs.reduce(0) { $0 + Int($1) } == 595_432)
        #expect(s.hashIds.count == 121_877)
    }

    func read(_ text: String, _ format: Trace.Format) -> String {
        do {
            _ = try TraceReader.read(Data(text.utf8), format: format, file: "t")
            return "ok"
        } catch {
            return error.description
        }
    }

    @Test func badTraceLinesAreLocated() {
        #expect(
            read("arrival_s,input_tokens,output_tokens\n0.5,10,5\n1.0,ten,5\n", .csv)
                == "t:3:5: input_tokens: expected a whole number of tokens from 0 to 1048576, got \"ten\"")
        #expect(read("arrival_s,input_tokens\n0.5,10\n", .csv).hasPrefix("t:1:1: missing column \"output_tokens\""))
        #expect(
            read("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.97,10,5\nyesterday,1,1\n", .azure)
                == "t:3:1: TIMESTAMP: expected a time like 2023-11-16 18:17:03.9799600, got \"yesterday\"")
        #expect(
            read(
                "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n{\"timestamp\": 10, \"input_length\": -5, \"output_length\": 1}\n",
                .mooncake) == "t:2:1: input_length: expected a whole number of tokens from 0 to 1048576, got -5")
        #expect(
            read(
                "{\"timestamp\": 10, \"input_length\": 5, \"output_length\": 1}\n{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n",
                .mooncake
            ).hasPrefix("t:2:1: timestamp: arrivals must not go back in time"))
        #expect(read("{\"timestamp\": 0, \"input_length\": 5}\n", .mooncake) == "t:1:1: output_length: missing field")
        #expect(read("not json\n", .mooncake) == "t:1:1: expected a JSON object on this line")
        #expect(read("arrival_s,input_tokens,output_tokens\n", .csv) == "t: the trace has no requests")
    }

    @Test func aWrongHeaderIsNotQuoted() {
        // A trace path pointing at some other file must not print that file's first line.
        let message = read("root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/sh\n", .azure)
        #expect(
            message
                == "t:1:1: missing column \"TIMESTAMP\" (expected the header TIMESTAMP,ContextTokens,GeneratedTokens on line 1)"
        )
    }

    @Test func plainCSVIsSortedByTime() throws {
        let t = try TraceReader.read(
            Data("arrival_s,input_tokens,output_tokens\n2,20,2\n1,10,1\n".utf8), format: .csv, file: "t")
        #expect(t.arrivals == [1_000_000, 2_000_000] && t.inputs == [10, 20])
    }

    @Test func schedulesSpreadSliceAndScale() throws {
        var trace = Trace()
        trace.arrivals = [0, 0, 0, 3_000_000, 10_000_000]
        trace.inputs = [1, 2, 3, 4, 5]
        trace.outputs = [1, 1, 1, 1, 1]
        var spec = TraceStreamSpec(format: .mooncake, file: "t", resolvedPath: "t", trace: trace)
        let rng = RandomStream(seed: 1, label: "t")
        func all(_ spec: TraceStreamSpec, _ random: RandomStream) -> (times: [Int64], records: [Int32]) {
            var schedule = TraceSchedule(spec, random: random)
            var result: ([Int64], [Int32]) = ([], [])
            while let (t, r) = schedule.next() {
                result.0.append(t)
                result.1.append(r)
            }
            return result
        }
        // Three requests at 0 spread over the 3 s to the next timestamp.
        #expect(all(spec, rng).times == [0, 1_000_000, 2_000_000, 3_000_000, 10_000_000])
        spec.startSeconds = 1
        spec.endSeconds = 5
        spec.timeScale = 2
        #expect(all(spec, rng).times == [0, 2_000_000, 4_000_000])
        #expect(all(spec, rng).records == [1, 2, 3])
        spec = TraceStreamSpec(format: .csv, file: "t", resolvedPath: "t", trace: trace)
        spec.rateScale = 3
        #expect(all(spec, rng).times.count == 15)
        spec.rateScale = 0.5
        var kept = 0
        for seed in 0..<200 {
            kept += all(spec, RandomStream(seed: UInt64(seed), label: "t")).times.count
        }
        #expect(abs(Double(kept) / 1000 - 0.5) < 0.06)
    }

    @Test func azureTimesOutOfRangeAreErrorsNotOverflows() {
        let header = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n"
        func message(_ line: String) -> String {
            do {
                _ = try TraceReader.read(Data((header + line + "\n").utf8), format: .azure, file: "a.csv")
                return "ok"
            } catch {
                return error.description
            }
        }
        #expect(
            message("999999999999-11-16 18:17:04.0319600,3180,8")
                == "a.csv:3:1: TIMESTAMP: expected a time like 2023-11-16 18:17:03.9799600, got \"999999999999-11-16 18:17:04.0319600\""
        )
        #expect(
            message("9999-11-16 18:17:04.0319600,3180,8")
                == "a.csv:3:1: TIMESTAMP: expected a time within 604800 s of the first request, got \"9999-11-16 18:17:04.0319600\""
        )
        #expect(message("2023-11-17 18:17:04.0319600,3180,8") == "ok")
    }

    @Test func aTraceStreamDrawsItsArrivalsOneAtATime() {
        // A million records repeated a thousand times: drawing the first arrivals must not
        // generate the billion that follow (the schedule used to be built whole, 12 GB).
        var trace = Trace()
        trace.arrivals = (0..<1_000_000).map { Int64($0) * 1000 }
        trace.inputs = Array(repeating: 10, count: 1_000_000)
        trace.outputs = Array(repeating: 2, count: 1_000_000)
        var spec = TraceStreamSpec(format: .csv, file: "t", resolvedPath: "t", trace: trace)
        spec.rateScale = 1000
        var stream = ArrivalStream(
            tenant: 0, model: nil, process: .trace(spec), input: .fixed(value: 1), output: .fixed(value: 1), seed: 1,
            index: 0)
        var gaps: [Double] = []
        for _ in 0..<2001 {
            gaps.append(stream.drawGap())
            _ = stream.drawRequest()
        }
        #expect(gaps.filter { $0 == 1000 }.count == 2 && gaps.dropFirst().allSatisfy { $0 == 0 || $0 == 1000 })
        #expect(stream.traceSchedule?.record == 2)
    }

    @Test func aTraceStreamReplaysEveryRequestInItsWindow() throws {
        let text = """
            name: trace
            duration_s: 4000
            cluster: [{gpu: h100, model: llama3.1-8b, count: 2}]
            tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
            workload:
              - tenant: t
                trace: {format: mooncake, file: traces/mooncake_fast25_synthetic_trace.jsonl, end_s: 300}
            """
        let s = try ScenarioParser.parse(
            text, file: "x.yaml", baseDirectory: projectRoot.appendingPathComponent("Scenarios").path)
        var sim = try Simulation(scenario: s)
        sim.runToEnd()
        let trace = try shippedTrace("mooncake_fast25_synthetic_trace.jsonl", .mooncake)
        let expected = trace.arrivals.filter { $0 < 300_000_000 }.count
        #expect(sim.metrics.arrived == Int64(expected))
        #expect(sim.metrics.completed + sim.metrics.rejected == sim.metrics.arrived)
    }

    @Test func mooncakeBlocksShareHashesAcrossRequests() throws {
        let text = """
            name: trace
            duration_s: 100
            cluster: [{gpu: h100, model: llama3.1-8b}]
            tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
            workload:
              - tenant: t
                trace: {format: mooncake, file: traces/mooncake_fast25_conversation_trace.jsonl, end_s: 1}
            """
        let s = try ScenarioParser.parse(
            text, file: "x.yaml", baseDirectory: projectRoot.appendingPathComponent("Scenarios").path)
        var sim = try Simulation(scenario: s)
        // The first two requests share hash id 0 (their first 512 tokens = 32 blocks), then differ.
        sim.run(until: Time.seconds(1))
        let ids = (0..<Int32(sim.requests.slots.count)).filter {
            sim.requests.isLive($0) && sim.requests[$0].serial < 2
        }.sorted {
            sim.requests[$0].serial < sim.requests[$1].serial
        }
        try #require(ids.count == 2)
        #expect(sim.blockHash(of: ids[0], block: 0) == sim.blockHash(of: ids[1], block: 0))
        #expect(sim.blockHash(of: ids[0], block: 31) == sim.blockHash(of: ids[1], block: 31))
        #expect(sim.blockHash(of: ids[0], block: 32) != sim.blockHash(of: ids[1], block: 32))
        #expect(sim.blockHash(of: ids[0], block: 0) != sim.blockHash(of: ids[0], block: 1))
    }
}
