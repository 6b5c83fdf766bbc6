/// A GPU id the catalog knows, with its spec: checked once where text comes in (the command line),
/// then used without another lookup.
public struct GPUID: Sendable, Hashable, CustomStringConvertible {
    /// The GPU it names.
    public let spec: GPUSpec

    /// The GPU named `text`, or nil when the catalog has none.
    public init?(_ text: String) {
        guard let spec = GPUCatalog.spec(text) else { return nil }
        self.spec = spec
    }

    /// The id as written.
    public var rawValue: String { spec.id }
    public var description: String { spec.id }
}
