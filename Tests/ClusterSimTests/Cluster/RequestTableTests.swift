import Testing

@testable import ClusterSim

/// The request table's storage: slots kept through growth and reuse, copied on write, and laid
/// out so a request's per-iteration fields fill one cache line.
@Suite struct RequestTableTests {
    func request(_ serial: Int64) -> Request {
        Request(
            serial: serial, arrival: serial * 10, promptTokens: Int32(serial % 500) + 1, outputTokens: 7, tenant: 0,
            stream: 0, priority: .normal)
    }

    @Test func slotsKeepTheirRequestsThroughGrowthAndReuse() {
        var table = RequestTable()
        let ids = (0..<1_000).map { table.insert(request(Int64($0))) }
        // Growth doubles the table: 1,000 requests in 1,024 slots, each its own.
        #expect(table.slots.count == 1_024 && Set(ids).count == 1_000 && ids.allSatisfy { (0..<1_024).contains($0) })
        table.remove(ids[10])
        table.remove(ids[500])
        #expect(table.liveCount == 998 && !table.isLive(ids[10]))
        // The most recently freed slot is reused first.
        #expect(table.insert(request(5_000)) == ids[500] && table.insert(request(5_001)) == ids[10])
        table[ids[999]].generatedTokens += 3
        #expect(table[ids[500]].serial == 5_000 && table[ids[10]].serial == 5_001)
        #expect(table[ids[999]].generatedTokens == 3 && table.liveCount == 1_000)
        #expect(ids.enumerated().allSatisfy { n, id in [10, 500].contains(n) || table[id].serial == Int64(n) })
    }

    @Test func everyNthRequestLandsInOneStretch() {
        // Least-outstanding fills an instance with every N-th request as a cluster of N warms up.
        // Slots N apart would share one cache set (N a power of two); the slots of a run are
        // handed out bit-reversed instead, and every N-th request of a run lands in one stretch.
        // Runs double up to 65,536 slots: [32,768, 65,536), then [65,536, 131,072) and so on.
        var table = RequestTable()
        let ids = (0..<196_608).map { table.insert(request(Int64($0))) }
        #expect(table.slots.count == 196_608)
        for run in [32_768..<65_536, 65_536..<131_072, 131_072..<196_608] {
            #expect(Set(ids[run]) == Set(run.map(Int32.init)))
            for n in [64, 512, 4_096] {
                let instance = stride(from: run.lowerBound + 7, to: run.upperBound, by: n).map { Int(ids[$0]) }
                #expect(instance.count == run.count / n)
                #expect(instance.max()! - instance.min()! + 1 == instance.count, "\(n) instances")
            }
        }
    }

    @Test func aCopyIsAValue() {
        // A what-if fork copies the cluster: writes on either side stay on that side.
        var live = RequestTable()
        let ids = (0..<20).map { live.insert(request(Int64($0))) }
        var fork = live
        fork[ids[3]].computedTokens = 99
        _ = fork.insert(request(100))
        live[ids[4]].blocks = 5
        #expect(live[ids[3]].computedTokens == 0 && live.liveCount == 20 && live[ids[4]].blocks == 5)
        #expect(fork[ids[3]].computedTokens == 99 && fork.liveCount == 21 && fork[ids[4]].blocks == 0)
    }

    @Test func aRequestsPerIterationFieldsFitTheSlotsFirstLine() {
        // Slots start on 64-byte boundaries, so the fields before `serial` share one line; a
        // request packs into two lines; and it is plain data, which the storage copies as bytes.
        #expect(RequestSlots.slotBytes % 64 == 0 && RequestSlots.slotBytes >= MemoryLayout<Request>.size)
        #expect(RequestSlots.slotBytes == 128)
        #expect(MemoryLayout<Request>.offset(of: \.arrival)! + MemoryLayout<SimTime>.size <= 64)
        #expect(MemoryLayout<Request>.offset(of: \.firstScheduled)! < 64)
        #expect(_isPOD(Request.self))
    }
}
