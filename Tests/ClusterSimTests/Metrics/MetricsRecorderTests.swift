import Testing

@testable import ClusterSim

/// The recorder's accounting on hand-made values: counts, SLO judgement, TTFT deadlines and the
/// KV integrals, without a simulation.
@Suite struct MetricsRecorderTests {
    /// One tenant: TTFT within 1 s, TPOT within 100 ms.
    let tenants = [TenantSpec(name: "t", slo: SLO(ttftMs: 1000, tpotMs: 100))]

    func request(serial: Int64, arrival: SimTime, output: Int32) -> Request {
        Request(
            serial: serial, arrival: arrival, promptTokens: 100, outputTokens: output, tenant: 0, stream: 0,
            priority: .normal)
    }

    @Test func completionIsJudgedAgainstBothObjectives() {
        var recorder = MetricsRecorder(tenants: tenants)
        var table = RequestTable()
        var fast = request(serial: 0, arrival: 0, output: 11)
        let a = table.insert(fast)
        recorder.arrived(a, serial: 0, tenant: 0, now: 0, requests: table)
        var slow = request(serial: 1, arrival: 0, output: 11)
        let b = table.insert(slow)
        recorder.arrived(b, serial: 1, tenant: 0, now: 0, requests: table)
        // a: first token at 0.5 s, ten more 50 ms apart; b: first token at 0.5 s, ten more 200 ms apart.
        fast.firstToken = Time.milliseconds(500)
        table[a] = fast
        recorder.completed(a, fast, now: Time.milliseconds(1000), requests: table)
        table.remove(a)
        slow.firstToken = Time.milliseconds(500)
        table[b] = slow
        recorder.completed(b, slow, now: Time.milliseconds(2500), requests: table)
        table.remove(b)
        let m = recorder.metrics
        #expect(m.arrived == 2 && m.completed == 2 && m.tenants[0].completed == 2)
        #expect(m.tenants[0].sloMet == 1 && m.tenants[0].tpotViolations == 1 && m.tenants[0].ttftViolations == 0)
        #expect(m.tpot.count == 2 && m.e2e.count == 2)
        #expect(m.lastCompletion == Time.milliseconds(2500))
        #expect(recorder.slo(tenant: 0, now: Time.seconds(3), requests: table).attainment == 0.5)
    }

    @Test func aMissedDeadlineCountsOnceUntilTheRequestLeaves() {
        var recorder = MetricsRecorder(tenants: tenants)
        var table = RequestTable()
        let r = request(serial: 0, arrival: 0, output: 5)
        let id = table.insert(r)
        recorder.arrived(id, serial: 0, tenant: 0, now: 0, requests: table)
        #expect(recorder.slo(tenant: 0, now: Time.milliseconds(1000), requests: table).outstandingViolations == 0)
        #expect(recorder.slo(tenant: 0, now: Time.milliseconds(1001), requests: table).outstandingViolations == 1)
        // Rejected later: it leaves the outstanding violations and counts as rejected, not completed.
        recorder.rejected(r, now: Time.seconds(2), requests: table)
        table.remove(id)
        let account = recorder.slo(tenant: nil, now: Time.seconds(2), requests: table)
        #expect(account.outstandingViolations == 0 && account.completed == 0)
        #expect(recorder.metrics.rejected == 1 && recorder.metrics.tenants[0].rejected == 1)
    }

    @Test func tokenTimesGoToTheirHistograms() {
        var recorder = MetricsRecorder(tenants: tenants)
        recorder.addEngine()
        recorder.firstToken(ttft: 300, queueing: 100, tenant: 0, promptTokens: 7, instance: 0)
        recorder.nextTokens(TokenGaps(gap: 20, count: 1), instance: 0)
        recorder.nextTokens(TokenGaps(gap: 30, count: 3), instance: 0)
        recorder.nextTokens(TokenGaps(gap: 40, count: 0), instance: 0)
        recorder.sampled(5)
        let m = recorder.metrics
        #expect(m.ttft.count == 1 && m.tenants[0].ttft.count == 1 && m.queue.count == 1)
        #expect(m.tbt.count == 4 && m.tbt.sum == 110 && m.tbt.max == 30 && m.outputTokens == 5)
        let engine = recorder.engines[0]
        #expect(engine.promptTokens == 7 && engine.timeToFirstToken.count == 1 && engine.queueTime.count == 1)
        #expect(engine.interTokenLatency.count == 4 && engine.interTokenLatency.sum == 110)
    }

    @Test func kvIntegralsWeighBlockCountsByTime() {
        var recorder = MetricsRecorder(tenants: tenants)
        recorder.noteCapacity(change: 100, now: 0)
        recorder.noteKV(change: 50, now: 0)
        recorder.noteKV(change: -25, now: 10)
        recorder.noteCapacity(change: -100, now: 20)
        let m = recorder.metrics
        // 50 blocks for 10 µs, then 25 for 10 µs; 100 in service for 20 µs.
        #expect(m.kvUsedIntegral == 750 && m.kvCapacityIntegral == 2000)
        #expect(m.kvPeakUtilization == 0.5 && m.kvMeanUtilization == 0.375)
        #expect(recorder.usedBlocks == 25 && recorder.totalBlocks == 0)
    }

    @Test func theCompletionLogKeepsEachCompletionWhenAskedTo() {
        var recorder = MetricsRecorder(tenants: tenants)
        var table = RequestTable()
        var r = request(serial: 7, arrival: 10, output: 1)
        r.firstToken = 40
        let id = table.insert(r)
        recorder.arrived(id, serial: 7, tenant: 0, now: 10, requests: table)
        recorder.completed(id, r, now: 40, requests: table)
        #expect(recorder.completionLog == nil)
        recorder.completionLog = []
        recorder.completed(id, r, now: 50, requests: table)
        #expect(recorder.completionLog?.count == 1)
        #expect(recorder.completionLog?.first?.serial == 7 && recorder.completionLog?.first?.e2e == 40)
    }
}
