extension ScenarioParser {
    /// A local policy id: one of `LocalPolicy.ids`, or mechanics with a queue order
    /// (`sarathi+mdd`, any of `LocalPolicy.allIDs`). The message lists the short ids.
    static func localPolicyID(_ v: YAMLValue) throws -> String {
        let s = try v.string()
        if let message = choiceProblem(s, among: LocalPolicy.allIDs, shown: LocalPolicy.ids) { throw v.error(message) }
        return s
    }
}
