/// What a request's prompt shares with other requests, so prefix caching can find it.
///
/// Two sources: a synthetic stream's shared-prefix groups (a system prompt per group: requests of
/// group g share their first `tokens` tokens), and a trace's prefix block ids (Mooncake's
/// `hash_ids`, one per 512 tokens: equal ids at equal positions mean equal prefixes).
/// `Simulation.blockHash(of:block:)` turns this into vLLM's chained hash per full 16-token block.
public struct PrefixRef: Sendable, Hashable {
    public enum Kind: UInt8, Sendable { case none, group, trace }
    /// The group id, or the trace record index in the stream's trace.
    public var source: Int32
    /// Tokens at the start of the prompt that can be shared.
    public var tokens: Int32
    // Last, so a field after a `PrefixRef` can take the bytes after it (9 bytes, not 12).
    public var kind: Kind

    public static let none = PrefixRef(kind: .none, source: -1, tokens: 0)

    public init(kind: Kind, source: Int32, tokens: Int32) {
        self.kind = kind
        self.source = source
        self.tokens = tokens
    }
}

/// Synthetic shared prefixes of a stream: `groups` system prompts of `tokens` tokens, picked with
/// Zipf skew `skew` (0 = uniform).
public struct SharedPrefixSpec: Sendable, Hashable {
    public var groups: Int
    public var tokens: Int
    public var skew: Double

    public init(groups: Int, tokens: Int, skew: Double = 0) {
        self.groups = groups
        self.tokens = tokens
        self.skew = skew
    }
}

/// Mixes two 64-bit values into one (SplitMix64's finalizer over a combination).
@inline(__always) func mixHash(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var z = a &* 0x9E37_79B9_7F4A_7C15 ^ (b &+ 0xBF58_476D_1CE4_E5B9)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
