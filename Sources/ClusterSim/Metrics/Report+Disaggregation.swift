extension Report {
    /// Disaggregated prefill/decode figures (`Simulation+Transfers.swift`): the KV hand-offs from
    /// prefill to decode instances and the TTFT of handed-off requests split into its parts.
    public struct Disaggregation: Sendable, Hashable, Codable {
        /// Hand-offs committed and aborted, and those that waited for a decode instance with room.
        public var handoffs: Int64
        public var aborted: Int64
        public var waitedForRoom: Int64
        /// KV cache sent, GB (10^9 bytes), every rank's shard counted.
        public var transferGigabytes: Double
        /// 99th percentile of the time a transfer waited for a port, ms.
        public var portWaitP99Milliseconds: Double
        /// TTFT of handed-off requests = queue + prefill + transfer: arrival to first scheduled,
        /// first scheduled to the prefill's end, the prefill's end to the decode instance.
        public var ttftQueue: Latency
        public var ttftPrefill: Latency
        public var ttftTransfer: Latency

        init(_ book: TransferBook) {
            handoffs = book.committed
            aborted = book.aborted
            waitedForRoom = book.waited
            transferGigabytes = book.bytes / 1e9
            portWaitP99Milliseconds = Double(book.portWait.quantile(0.99)) / 1000
            ttftQueue = Latency(book.queue)
            ttftPrefill = Latency(book.prefill)
            ttftTransfer = Latency(book.transfer)
        }

        /// The report table's lines: the hand-offs, and the mean TTFT split.
        var tableLines: [String] {
            [
                "KV hand-offs \(handoffs) (\(Report.number(transferGigabytes, 1)) GB sent, \(waitedForRoom) waited for room)",
                "TTFT mean = queue \(Report.number(ttftQueue.mean, 1)) + prefill \(Report.number(ttftPrefill.mean, 1))"
                    + " + transfer \(Report.number(ttftTransfer.mean, 1)) ms",
            ]
        }
    }
}
