import ClusterSim

/// A column of the instance table: what `<` `>`, the sort picker and a click on its head sort by,
/// and what the `columns` setting shows or hides.
public enum TableColumn: String, Sendable, CaseIterable, Hashable {
    case id, gpu, model, role, queue, run, kv, tokens, trend, state

    /// The head the table writes for it.
    public var title: String {
        switch self {
        case .id: "ID"
        case .gpu: "GPU"
        case .model: "MODEL"
        case .role: "POOL"
        case .queue: "QUEUE"
        case .run: "RUN"
        case .kv: "KV CACHE"
        case .tokens: "TOK/S"
        case .trend: "KV TREND"
        case .state: "STATE"
        }
    }

    /// What the sort picker and the setup screen call it.
    public var label: String {
        switch self {
        case .id: "instance id"
        case .gpu: "GPU type"
        case .model: "model"
        case .role: "pool (prefill, decode, mixed; when disaggregated)"
        case .queue: "waiting queue"
        case .run: "running batch"
        case .kv: "KV cache use"
        case .tokens: "tokens per second"
        case .trend: "KV cache trend (wide screens)"
        case .state: "state (starting, draining...)"
        }
    }

    /// Load columns sort largest first when chosen (as htop's CPU%); names sort A to Z.
    public var descendingFirst: Bool {
        switch self {
        case .id, .gpu, .model, .role: false
        case .queue, .run, .kv, .tokens, .trend, .state: true
        }
    }

    /// Columns the user may hide; the id and the GPU always show (they name the row).
    public static let optional: [TableColumn] = [.model, .queue, .run, .kv, .tokens, .trend, .state]

    /// Columns a sort can use: all but the KV trend (a picture of the KV column's past) and the
    /// pool (shown by itself, only when the cluster is disaggregated: filter with role: instead).
    public static let sortable = allCases.filter { $0 != .trend && $0 != .role }
}

/// How the table groups its rows: not at all, by GPU type, or by model (`t` cycles them).
public enum TableGrouping: String, Sendable, CaseIterable, Hashable {
    case none, gpu, model

    func key(_ row: InstanceRow) -> String? {
        switch self {
        case .none: nil
        case .gpu: InstanceTableWidget.gpuLabel(row)
        case .model: row.model
        }
    }
}

/// The instance filter typed after `/`: words that must all match (AND). A plain word matches
/// when it is part of the GPU, model, state or id text (case-insensitive); `field:value`
/// restricts it to one field (`gpu:`, `model:`, `state:`, `id:`); a leading `!` negates a word.
///
/// Instances have no role yet (prefill/decode), so the fields are the ones rows carry.
public struct TableFilter: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case gpu, model, role, state, id
    }

    public struct Term: Sendable, Equatable {
        public var field: Field?
        public var text: String
        public var negated: Bool
    }

    public var terms: [Term]

    public init(_ text: String) {
        terms = text.lowercased().split(separator: " ").compactMap { word in
            var w = Substring(word)
            let negated = w.hasPrefix("!")
            if negated { w = w.dropFirst() }
            var field: Field?
            if let colon = w.firstIndex(of: ":"), let f = Field(rawValue: String(w[..<colon])) {
                field = f
                w = w[w.index(after: colon)...]
            }
            guard !w.isEmpty || field != nil else { return nil }
            return Term(field: field, text: String(w), negated: negated)
        }
    }

    public var isEmpty: Bool { terms.isEmpty }

    static func stateText(_ row: InstanceRow) -> String {
        "\(row.status)" + (row.migratingTo.isEmpty && row.migratingFrom.isEmpty ? "" : " migrating")
    }

    func value(_ field: Field, _ row: InstanceRow) -> String {
        switch field {
        case .gpu: InstanceTableWidget.gpuLabel(row).lowercased()
        case .model: row.model.lowercased()
        case .role: "\(row.role)" + (row.switchingTo.map { ">\($0)" } ?? "")
        case .state: Self.stateText(row)
        case .id: String(row.id)
        }
    }

    public func matches(_ row: InstanceRow) -> Bool {
        terms.allSatisfy { term in
            let hit: Bool
            if let field = term.field {
                // An id matches whole (id:1 is not 10); text fields by part.
                hit = field == .id ? value(.id, row) == term.text : value(field, row).contains(term.text)
            } else {
                hit = Field.allCases.contains { value($0, row).contains(term.text) }
            }
            return hit != term.negated
        }
    }
}

/// One line of the instance table below its column heads: a group's head or an instance.
public enum TableLine: Sendable, Equatable {
    /// A group head: its key, the instances in it (shown ones), and their load.
    case group(GroupSummary)
    /// An instance: its index in the snapshot's `instances`.
    case row(Int)

    public var isGroup: Bool {
        if case .group = self { return true }
        return false
    }
}

/// What a group head shows: how many instances, and their waiting, running and KV totals.
public struct GroupSummary: Sendable, Equatable {
    public var key: String
    public var instances = 0
    public var waiting = 0
    public var running = 0
    public var kvUsed: Int64 = 0
    public var kvTotal: Int64 = 0
    public var tokensPerSecond = 0.0

    public var kvUtilization: Double { kvTotal > 0 ? Double(kvUsed) / Double(kvTotal) : 0 }
}

/// How the instance table orders, filters and groups rows: the settings, and the lines they
/// give for the latest snapshot (recomputed by the reducer when either changes).
public struct TableState: Sendable, Equatable {
    public var sort = TableColumn.id
    public var descending = false
    public var filter = ""
    public var grouping = TableGrouping.none
    /// The optional columns shown, in order (see `TableColumn.optional`); the id and the GPU
    /// come first.
    public var columns: [TableColumn] = TableColumn.optional

    /// The lines below the column heads, in order.
    public var lines: [TableLine] = []
    /// Snapshot indices of the shown instances, in display order.
    public var order: [Int] = []
    /// The line of each shown instance (same order as `order`).
    public var lineOfRow: [Int] = []
    /// Instances in the snapshot, shown or not.
    public var total = 0
    /// Where the table was drawn in the last frame (for mouse clicks), nil when it was not.
    public var rect: Rect?
    /// The row selected in the sort picker (an index in `TableColumn.sortable`).
    public var pickerSelection = 0
    /// The filter before the prompt opened, which Esc puts back.
    public var filterBefore = ""

    public init() {}

    /// Orders `rows` by the sort column (instance id breaking ties, so the order is stable),
    /// keeps the ones the filter matches, and groups them (groups A to Z, sorted inside).
    public mutating func rebuild(_ rows: [InstanceRow]) {
        total = rows.count
        let f = TableFilter(filter)
        var kept = rows.indices.filter { f.isEmpty || f.matches(rows[$0]) }
        let column = sort, descending = descending
        kept.sort { a, b in
            let c = TableState.compare(rows[a], rows[b], by: column)
            if c != 0 { return descending ? c > 0 : c < 0 }
            return rows[a].id < rows[b].id
        }
        lines.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        lineOfRow.removeAll(keepingCapacity: true)
        if grouping == .none {
            order = kept
            lines = kept.map { .row($0) }
            lineOfRow = Array(kept.indices)
            return
        }
        var groups: [String: [Int]] = [:]
        for i in kept { groups[grouping.key(rows[i]) ?? "", default: []].append(i) }
        for key in groups.keys.sorted() {
            let members = groups[key] ?? []
            var summary = GroupSummary(key: key)
            for i in members {
                let r = rows[i]
                summary.instances += 1
                summary.waiting += r.waiting
                summary.running += r.running
                summary.kvUsed += Int64(r.kvUsed)
                summary.kvTotal += Int64(r.kvTotal)
                summary.tokensPerSecond += r.tokensPerSecond
            }
            lines.append(.group(summary))
            for i in members {
                lineOfRow.append(lines.count)
                order.append(i)
                lines.append(.row(i))
            }
        }
    }

    /// The lines to draw for a snapshot of `count` instances: `lines`, or every instance in
    /// snapshot order when they were never built (a state made without a snapshot).
    public func displayLines(_ count: Int) -> [TableLine] {
        total == 0 && lines.isEmpty ? (0..<count).map { .row($0) } : lines
    }

    /// The snapshot index of the instance on display row `row` (see `displayLines`).
    public func instance(atRow row: Int) -> Int? {
        if total == 0 && order.isEmpty { return row >= 0 ? row : nil }
        return order.indices.contains(row) ? order[row] : nil
    }

    /// The display line of display row `row`.
    func line(ofRow row: Int) -> Int {
        total == 0 && lineOfRow.isEmpty ? row : lineOfRow.indices.contains(row) ? lineOfRow[row] : row
    }

    /// -1, 0 or 1 as `a` sorts before, with or after `b` by `column` ascending.
    static func compare(_ a: InstanceRow, _ b: InstanceRow, by column: TableColumn) -> Int {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x > y ? 1 : 0 }
        switch column {
        case .id: return cmp(a.id, b.id)
        case .gpu: return cmp(InstanceTableWidget.gpuLabel(a), InstanceTableWidget.gpuLabel(b))
        case .model: return cmp(a.model, b.model)
        case .role: return cmp(InstanceTableWidget.roleLabel(a), InstanceTableWidget.roleLabel(b))
        case .queue: return cmp(a.waiting, b.waiting)
        case .run: return cmp(a.running, b.running)
        case .kv: return cmp(a.kvUtilization, b.kvUtilization)
        case .tokens: return cmp(a.tokensPerSecond, b.tokensPerSecond)
        case .trend: return cmp(a.kvUtilization, b.kvUtilization)
        case .state: return cmp(stateRank(a), stateRank(b))
        }
    }

    /// States by how much they ask for attention: failed, draining, starting, migrating, serving, retired.
    static func stateRank(_ r: InstanceRow) -> Int {
        switch r.status {
        case .retired: 0
        case .active: r.migratingTo.isEmpty && r.migratingFrom.isEmpty ? 1 : 2
        case .starting: 3
        case .draining: 4
        case .failed: 5
        }
    }

    /// The column whose head shows the sort mark: none in the natural order (id ascending).
    public var marked: TableColumn? { sort == .id && !descending ? nil : sort }

    /// Shows `column` (where it stands in the default order, among the shown ones) or hides it.
    public mutating func toggle(_ column: TableColumn) {
        if let i = columns.firstIndex(of: column) {
            columns.remove(at: i)
            return
        }
        let after = TableColumn.optional.drop { $0 != column }.dropFirst()
        columns.insert(column, at: columns.firstIndex(where: after.contains) ?? columns.count)
    }

    /// What narrows the table, for its head ("/gpu:h100 12 of 64"); nil without a filter.
    public var summary: String? {
        guard !filter.isEmpty else { return nil }
        return "/\(filter) \(order.count) of \(total)"
    }
}
