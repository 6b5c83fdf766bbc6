import Testing

@testable import ClusterSim

@Suite struct PrefetchTests {
    @Test func aHintOutsideTheArrayIsIgnored() {
        // A hint only: any index, even past the end or into an empty array, changes nothing.
        let values = [1, 2, 3]
        values.prefetch(0, bytes: 64)
        values.prefetch(2, bytes: 192)
        values.prefetch(3, bytes: 64)
        values.prefetch(-1, bytes: 64)
        [Int]().prefetch(0, bytes: 64)
        #expect(values == [1, 2, 3])
    }

    @Test func aHintThroughAFieldReadsNothingOutsideTheArray() {
        // The inner collection's storage is found through element `index` without retaining it;
        // an index outside the outer array is ignored, and the collections are left as they were.
        let rows: [[Int]] = [[1, 2], [], Array(0..<100)]
        for index in -1...3 { rows.prefetchStorage(ofElement: index, at: 0, bytes: 192) }
        #expect(rows == [[1, 2], [], Array(0..<100)])
    }
}
