extension ScenarioParser {
    /// A global policy id: one of `GlobalPolicy.ids`.
    static func globalPolicyID(_ v: YAMLValue) throws -> GlobalPolicyID {
        do { return try GlobalPolicyID(parsing: try v.string()) } catch let unknown as UnknownID {
            throw v.error(unknown.message)
        }
    }

    /// A local policy id: one of `LocalPolicy.ids`, or mechanics with a queue order
    /// (`sarathi+mdd`, any of `LocalPolicy.allIDs`). The message lists the short ids.
    static func localPolicyID(_ v: YAMLValue) throws -> LocalPolicyID {
        do { return try LocalPolicyID(parsing: try v.string()) } catch let unknown as UnknownID {
            throw v.error(unknown.message)
        }
    }
}
