extension ScenarioParser {
    /// A local policy id: one of `LocalPolicy.ids`, or mechanics with a queue order
    /// (`sarathi+mdd`, any of `LocalPolicy.allIDs`). The message lists the short ids.
    static func localPolicyID(_ v: YAMLValue) throws -> String {
        let s = try v.string()
        guard LocalPolicy.allIDs.contains(s) else {
            var message = "expected one of \(LocalPolicy.ids.joined(separator: ", ")), got \"\(s)\""
            if let hint = suggestion(for: s, among: LocalPolicy.allIDs) { message += "; did you mean \"\(hint)\"?" }
            throw v.error(message)
        }
        return s
    }
}
