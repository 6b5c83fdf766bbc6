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
        for serial in 0..<1_000 { #expect(table.insert(request(Int64(serial))) == Int32(serial)) }
        table.remove(10)
        table.remove(500)
        #expect(table.liveCount == 998 && !table.isLive(10))
        // The most recently freed slot is reused first.
        #expect(table.insert(request(5_000)) == 500 && table.insert(request(5_001)) == 10)
        table[999].generatedTokens += 3
        #expect(table.slots.count == 1_000)
        #expect(table[500].serial == 5_000 && table[10].serial == 5_001 && table[999].generatedTokens == 3)
        #expect(table.slots.enumerated().allSatisfy { slot, r in [10, 500].contains(slot) || r.serial == Int64(slot) })
    }

    @Test func aCopyIsAValue() {
        // A what-if fork copies the cluster: writes on either side stay on that side.
        var live = RequestTable()
        for serial in 0..<20 { _ = live.insert(request(Int64(serial))) }
        var fork = live
        fork[3].computedTokens = 99
        _ = fork.insert(request(100))
        live[4].blocks = 5
        #expect(live[3].computedTokens == 0 && live.slots.count == 20 && live[4].blocks == 5)
        #expect(fork[3].computedTokens == 99 && fork.slots.count == 21 && fork[4].blocks == 0)
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
