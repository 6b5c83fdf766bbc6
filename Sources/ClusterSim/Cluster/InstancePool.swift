/// The cluster's instances and their lifecycle, as a value: added (serving at once, or starting),
/// activated, drained, failed, retired. Each change says what it did to the blocks in service so
/// the engine can account it; queues, events and dispatch stay with the engine.
///
/// An instance's status moves `starting → active → draining → retired`, or to `failed` from any
/// live status. Only active and draining instances hold blocks in service.
struct InstancePool: Sendable {
    var instances: [Instance] = []

    /// What every iteration asks of an instance that never changes once it is added, kept apart
    /// in a few bytes per instance: at thousands of instances an instance is out of the CPU's
    /// caches between its iterations, and this table (and the few distinct timings) stays in.
    struct Fixed: Sendable {
        /// Its entry in `timings`.
        var timing: Int32
        /// It has speculative decoding (`Instance.speculation`).
        var speculates: Bool
        /// Its KV cache has tiers below GPU memory (`KVCache.tiers`).
        var tiered: Bool
    }
    private(set) var fixed: [Fixed] = []
    /// The distinct `Instance.iterationTiming`s: one per kind of instance in the cluster.
    private(set) var timings: [IterationTiming] = []
    /// Per instance, how far the event loop has prefetched what its iteration in flight will
    /// read when it ends (0 nothing, 1 its first line, 2 the rest and its queues, 3 its batch's
    /// requests): each stage is issued once per iteration, not again at every event.
    /// (`Simulation.prefetchIterationEnd`; a hint only, like every prefetch.)
    var prefetchStage: [UInt8] = []

    /// How long an iteration of `shape` takes on instance `i` (`Instance.iterationDuration`).
    @inline(__always)
    func iterationDuration(_ i: Int, _ shape: BatchShape) -> SimTime {
        timings[Int(fixed[i].timing)].duration(shape)
    }

    /// Hints that instance `i`'s first `bytes` bytes will be read soon (its per-iteration fields
    /// come first, and its queues first of all).
    @inline(__always)
    func prefetch(_ i: Int32, bytes: Int) { instances.prefetch(Int(i), bytes: bytes) }

    /// Hints that instance `i`'s queues and batch will be read soon: their storage starts
    /// loading. The instance should be in cache already (`prefetch`, an event or more earlier).
    @inline(__always)
    func prefetchQueues(_ i: Int32) {
        for offset in Self.queueOffsets { instances.prefetchStorage(ofElement: Int(i), at: offset, bytes: 192) }
    }
    /// Hints that the requests in instance `i`'s batch will be read soon: the first few start
    /// loading. The batch should be in cache already (`prefetchQueues`, an event or more earlier).
    @inline(__always)
    func prefetchRequests(ofBatch i: Int32, _ requests: RequestTable) {
        instances.withUnsafeBufferPointer { all in
            guard all.indices.contains(Int(i)) else { return }
            all[Int(i)].batch.withUnsafeBufferPointer { batch in
                for k in 0..<min(RequestTable.prefetchDistance, batch.count) { requests.prefetch(batch[k].request) }
            }
        }
    }
    private static let queueOffsets = [\Instance.waiting, \Instance.running, \Instance.batch].map {
        MemoryLayout<Instance>.offset(of: $0)!
    }

    /// Builds an instance of `model` on `gpu` at `tensorParallel` with `scenario`'s calibration;
    /// `engine` nil takes the settings of a scenario group serving the same model on the same GPU.
    static func make(
        id: Int32, gpu: GPUSpec, model: ModelSpec, tensorParallel: Int, status: InstanceStatus,
        engine: EngineSettings?, scenario: Scenario
    ) throws -> Instance {
        let constants = scenario.calibrations[gpu.id] ?? CostConstants.builtin(for: gpu)
        let settings =
            engine ?? scenario.cluster.first {
                $0.gpu == gpu.id && $0.model == model.id && $0.tensorParallel == tensorParallel
            }?
            .engine ?? EngineSettings()
        var instance = Instance(
            id: id, gpu: gpu, model: model, tensorParallel: tensorParallel, constants: constants, status: status,
            engine: settings)
        if let config = settings.speculative {
            instance.speculation = Speculation(
                config, target: model, gpu: gpu, tensorParallel: tensorParallel, constants: constants,
                seed: scenario.seed, instance: id)
        }
        guard instance.kv.totalBlocks > 0 else {
            throw SimulationError.doesNotFit(model: model.id, gpu: gpu.id, tp: tensorParallel)
        }
        return instance
    }

    /// Instances neither failed nor retired.
    var liveCount: Int { instances.reduce(0) { $0 + ($1.status == .failed || $1.status == .retired ? 0 : 1) } }

    /// Instance `i` exists and is neither failed nor retired.
    func isLive(_ i: Int) -> Bool {
        instances.indices.contains(i) && instances[i].status != .failed && instances[i].status != .retired
    }

    /// Instance `i` exists and takes new requests.
    func isActive(_ i: Int) -> Bool { instances.indices.contains(i) && instances[i].status == .active }

    /// Adds `instance` (numbered next); returns its id and the blocks it puts in service now.
    mutating func add(_ instance: Instance) -> (id: Int32, servingBlocks: Int64) {
        instances.append(instance)
        prefetchStage.append(0)
        let timing = instance.iterationTiming
        let entry = timings.firstIndex(of: timing) ?? timings.count
        if entry == timings.count { timings.append(timing) }
        fixed.append(
            Fixed(timing: Int32(entry), speculates: instance.speculation != nil, tiered: instance.kv.tiers != nil))
        return (instance.id, instance.status == .active ? Int64(instance.kv.totalBlocks) : 0)
    }

    /// A starting instance `i` serves from now on: the blocks it puts in service, or nil when it
    /// is no longer starting (it failed meanwhile).
    mutating func activate(_ i: Int32) -> Int64? {
        guard instances[Int(i)].status == .starting else { return nil }
        instances[Int(i)].status = .active
        return Int64(instances[Int(i)].kv.totalBlocks)
    }

    /// Active instance `i` takes no more requests; true when it has none left (retire it now).
    mutating func drain(_ i: Int32) -> Bool {
        instances[Int(i)].status = .draining
        return instances[Int(i)].outstanding == 0
    }

    /// Drained instance `i` leaves; returns the blocks it takes out of service.
    mutating func retire(_ i: Int32) -> Int64 {
        instances[Int(i)].status = .retired
        return Int64(instances[Int(i)].kv.totalBlocks)
    }

    /// Instance `i` stops: its requests, in admission order then queue order, lose their KV
    /// (recomputation from scratch, as after a preemption) and are returned for dispatch, with
    /// the blocks it had in use and the blocks it takes out of service.
    mutating func fail(_ i: Int32, requests: inout RequestTable) -> (
        orphans: [Int32], usedBlocks: Int32, servingBlocks: Int64
    ) {
        let index = Int(i)
        let orphans = instances[index].running + Array(instances[index].waiting)
        let wasServing = instances[index].status == .active || instances[index].status == .draining
        for id in orphans {
            requests[id].blocks = 0
            requests[id].computedTokens = 0
            requests[id].swappedBlocks = 0
        }
        let used = instances[index].kv.usedBlocks
        instances[index].status = .failed
        instances[index].running.removeAll()
        instances[index].waiting.removeAll()
        instances[index].waitingTokens = 0
        instances[index].batch.removeAll()
        instances[index].busy = false
        let tiers = instances[index].kv.tiers
        instances[index].kv = KVCache(totalBlocks: instances[index].kv.totalBlocks)
        instances[index].kv.tiers = tiers
        return (orphans, used, wasServing ? Int64(instances[index].kv.totalBlocks) : 0)
    }
}
