extension ScenarioParser {
    /// A KV tier's `{gb, gbps}`: capacity in GB and copy bandwidth per GPU in Gbit/s.
    static func kvTierSpec(_ value: YAMLValue) throws -> KVTierSpec {
        let m = try value.mapping(allowed: ["gb", "gbps"])
        let gb = try m.required("gb").number("a positive capacity in GB", in: 0...1_000_000, openLow: true)
        let gbps = try m.required("gbps").number("a positive bandwidth in Gbit/s", in: 0...100_000, openLow: true)
        return KVTierSpec(capacityGB: gb, gigabitsPerSecond: gbps)
    }

    /// An instance group's `engine.cpu_kv` and `engine.preemption_mode` (`KVTiers`).
    static func kvTierSettings(_ m: YAMLMapping, into settings: inout EngineSettings) throws {
        if let v = m["cpu_kv"] { settings.cpuKV = try kvTierSpec(v) }
        if let v = m["preemption_mode"] {
            let mode = try v.string(oneOf: ["recompute", "swap"])
            if mode == "swap" && settings.cpuKV == nil {
                throw v.error("swap needs a CPU tier to swap into: add cpu_kv: {gb: ..., gbps: ...} beside it")
            }
            settings.preemptionSwap = mode == "swap"
        }
    }

    /// The top-level `kv_remote` pool; it fills only from CPU tiers, so some group must have one
    /// (checked when the cluster was read).
    static func kvRemoteSpec(_ value: YAMLValue?, cluster: [InstanceGroup]?) throws -> KVTierSpec? {
        guard let value else { return nil }
        let spec = try kvTierSpec(value)
        if let cluster, !cluster.contains(where: { $0.engine.cpuKV != nil }) {
            throw value.error(
                "the shared pool receives blocks evicted from CPU tiers, and no instance group has one: add engine: {cpu_kv: {gb: ..., gbps: ...}} to a group"
            )
        }
        return spec
    }
}
