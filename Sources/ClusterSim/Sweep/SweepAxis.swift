import Yams

/// One setting a sweep varies, named as in a sweep file (`global`, `params.migration_threshold`,
/// `cluster[0].count`), and how it changes a scenario's YAML.
///
/// A point's scenario is the base scenario's YAML tree with each axis's value written in, read by
/// `ScenarioParser` like any scenario file: every point gets exactly a scenario file's checks.
public enum SweepAxis: Sendable, Hashable, CustomStringConvertible {
    case global
    case local
    /// A policy parameter (`policy.params.NAME`).
    case param(String)
    /// Multiplies every stream's rate (`arrival.rate`, or a trace's `rate_scale`).
    case rateScale
    /// The Poisson or gamma rate of stream `index` (`workload[i].arrival.rate`).
    case workloadRate(Int)
    /// A field of instance group `index`.
    case cluster(Int, ClusterField)
    case seed
    case duration

    /// The instance-group fields a sweep can vary (`num_speculative_tokens`: of the group's
    /// `engine.speculative_config`).
    public enum ClusterField: String, Sendable, CaseIterable {
        case count, gpu, model, tp
        case numSpeculativeTokens = "num_speculative_tokens"
    }

    /// The axis names a sweep file may use, as shown in messages.
    static let shownNames = [
        "global", "local", "params.NAME", "rate_scale", "workload[i].rate", "cluster[i].count", "cluster[i].gpu",
        "cluster[i].model", "cluster[i].tp", "cluster[i].num_speculative_tokens", "seed", "duration_s",
    ]

    public var description: String {
        switch self {
        case .global: "global"
        case .local: "local"
        case .param(let name): "params.\(name)"
        case .rateScale: "rate_scale"
        case .workloadRate(let i): "workload[\(i)].rate"
        case .cluster(let i, let field): "cluster[\(i)].\(field.rawValue)"
        case .seed: "seed"
        case .duration: "duration_s"
        }
    }

    /// The axis `name` names, checked against `scenario` (its groups and streams); nil with the
    /// reason when it names none.
    static func parse(_ name: String, scenario: Scenario) -> Result<SweepAxis, SweepAxisError> {
        switch name {
        case "global": return .success(.global)
        case "local": return .success(.local)
        case "rate_scale": return .success(.rateScale)
        case "seed": return .success(.seed)
        case "duration_s": return .success(.duration)
        default: break
        }
        if name.hasPrefix("params.") {
            let parameter = String(name.dropFirst("params.".count))
            guard PolicyRegistry.parameterNames.contains(parameter) else {
                return .failure(
                    SweepAxisError(
                        "unknown policy parameter \"\(parameter)\""
                            + didYouMean(parameter, among: PolicyRegistry.parameterNames)
                            + " (clustertop policies lists them)"))
            }
            return .success(.param(parameter))
        }
        for (list, count) in [("workload", scenario.workload.count), ("cluster", scenario.cluster.count)] {
            guard name.hasPrefix(list + "[") else { continue }
            let rest = name.dropFirst(list.count + 1)
            guard let close = rest.firstIndex(of: "]"), let index = Int(rest[..<close]) else { break }
            guard index >= 0, index < count else {
                return .failure(
                    SweepAxisError("the base scenario's \(list) has entries 0 to \(count - 1), not \(index)"))
            }
            let field = String(rest[rest.index(after: close)...])
            if list == "workload" && field == ".rate" {
                if case .trace = scenario.workload[index].arrival {
                    return .failure(SweepAxisError("workload[\(index)] replays a trace; vary rate_scale instead"))
                }
                return .success(.workloadRate(index))
            }
            if list == "cluster", field.hasPrefix("."), let f = ClusterField(rawValue: String(field.dropFirst())) {
                return .success(.cluster(index, f))
            }
            break
        }
        return .failure(
            SweepAxisError(
                "unknown axis \"\(name)\"" + didYouMean(name, among: shownNames)
                    + " (expected one of: \(shownNames.joined(separator: ", ")))"))
    }

    /// The scenario keys under which a problem is this axis's doing.
    var scenarioPath: String {
        switch self {
        case .global: "policy.global"
        case .local: "policy.local"
        case .param(let name): "policy.params.\(name)"
        case .rateScale: "workload"
        case .workloadRate(let i): "workload[\(i)]"
        case .cluster(let i, _): "cluster[\(i)]"
        case .seed: "seed"
        case .duration: "duration_s"
        }
    }

    /// Whether the axis changes how many requests the run brings (the request budget).
    var changesLoad: Bool {
        switch self {
        case .rateScale, .workloadRate, .duration: true
        default: false
        }
    }

    /// `root` (a scenario's YAML) with this axis set to `value`; a rate scale must be a positive
    /// number (checked when the sweep file is read).
    func apply(_ value: String, to root: Node) -> Node {
        let scalar = Node(value)
        switch self {
        case .global: return root.updating("policy") { $0.updating("global") { _ in scalar } }
        case .local: return root.updating("policy") { $0.updating("local") { _ in scalar } }
        case .param(let name):
            return root.updating("policy") { $0.updating("params") { $0.updating(name) { _ in scalar } } }
        case .seed: return root.updating("seed") { _ in scalar }
        case .duration: return root.updating("duration_s") { _ in scalar }
        case .workloadRate(let i):
            return root.updating("workload") {
                $0.updating(i) { $0.updating("arrival") { $0.updating("rate") { _ in scalar } } }
            }
        case .cluster(let i, .numSpeculativeTokens):
            return root.updating("cluster") {
                $0.updating(i) {
                    $0.updating("engine") {
                        $0.updating("speculative_config") { $0.updating("num_speculative_tokens") { _ in scalar } }
                    }
                }
            }
        case .cluster(let i, let field):
            return root.updating("cluster") { $0.updating(i) { $0.updating(field.rawValue) { _ in scalar } } }
        case .rateScale:
            let factor = Double(value) ?? 1
            func scaled(_ node: Node, absent: Double?) -> Node {
                guard
                    let old = node.scalar.flatMap({ Double($0.string.replacingOccurrences(of: "_", with: "")) })
                        ?? absent
                else { return node }
                return Node(compact(old * factor))
            }
            return root.updating("workload") { workload in
                guard case .sequence(let streams) = workload else { return workload }
                var updated = streams
                for i in streams.indices {
                    let stream = streams[i]
                    if stream.mapping?["trace"] != nil {
                        updated[i] = stream.updating("trace") { $0.updating("rate_scale") { scaled($0, absent: 1) } }
                    } else if stream.mapping?["arrival"] != nil {
                        updated[i] = stream.updating("arrival") { $0.updating("rate") { scaled($0, absent: nil) } }
                    }
                }
                return .sequence(updated)
            }
        }
    }
}

/// Why an axis name names no axis.
struct SweepAxisError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension Node {
    /// This mapping with the value of `key` replaced by `change(old value)`; a missing key (or
    /// a missing mapping) starts as an empty mapping, so `policy.params` can be added.
    func updating(_ key: String, _ change: (Node) -> Node) -> Node {
        var mapping: Node.Mapping
        if case .mapping(let m) = self { mapping = m } else { mapping = Node.Mapping([]) }
        if let i = mapping.firstIndex(where: { $0.key.scalar?.string == key }) {
            mapping[i] = (mapping[i].key, change(mapping[i].value))
        } else {
            mapping[key] = change(.mapping(Node.Mapping([])))
        }
        return .mapping(mapping)
    }

    /// This list with item `index` replaced by `change(item)`.
    func updating(_ index: Int, _ change: (Node) -> Node) -> Node {
        guard case .sequence(var items) = self, index < items.count else { return self }
        items[items.startIndex + index] = change(items[items.startIndex + index])
        return .sequence(items)
    }
}
