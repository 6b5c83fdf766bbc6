import Foundation

/// A figure of XY charts rendered as one self-contained SVG file: what `--plot FILE.svg` writes.
///
/// A figure is a title, a legend and one or more panels stacked top to bottom (small multiples);
/// each panel is an XY chart with linear or logarithmic axes, "nice" ticks (1, 2, 5 × 10^k; whole
/// decades on a log axis), axis labels that carry their units, and series drawn as lines, steps or
/// markers. A series keeps its colour, dash pattern and marker in every panel (they are assigned
/// by name, in order of first appearance), so one legend serves the figure and the chart still
/// reads in greyscale print. The palette is Okabe and Ito's colour-blind-safe one
/// (https://jfly.uni-koeln.de/color/).
///
/// The output is deterministic (numbers through `TextFormat.fixed`, no timestamps) and
/// self-describing: each panel's `<g class="panel">` carries its plot rectangle (`data-plot`, in
/// SVG units), its axis scales (`data-x-scale`, `data-y-scale`) and domains (`data-x-domain`,
/// `data-y-domain`), and each series is one `<polyline class="series" data-series="NAME">` whose
/// points are the data points in order, so a reader (a test) can map every point back to its data.
/// A step series also has its corners, (x_i+1, y_i), between the data points. Points that a log axis
/// cannot show (zero or negative) are left out.
public struct SVGChart: Sendable, Hashable {
    public var title: String
    /// A second line under the title (the scenario, the seed), or nil.
    public var subtitle: String?
    public var panels: [Panel]
    /// Width of the figure in SVG units (pixels in a browser).
    public var width: Double = 760
    /// Height of each panel's plot area.
    public var plotHeight: Double = 220
    /// The panels share one x domain (the union of theirs): time series stacked over a common time axis.
    public var sharedXAxis = false

    public init(title: String, subtitle: String? = nil, panels: [Panel], sharedXAxis: Bool = false) {
        self.title = title
        self.subtitle = subtitle
        self.panels = panels
        self.sharedXAxis = sharedXAxis
    }

    /// One XY chart of the figure.
    public struct Panel: Sendable, Hashable {
        public var title: String
        public var x: Axis
        public var y: Axis
        public var series: [Series]

        public init(title: String, x: Axis, y: Axis, series: [Series]) {
            self.title = title
            self.x = x
            self.y = y
            self.series = series
        }
    }

    public struct Axis: Sendable, Hashable {
        public enum Scale: String, Sendable, Hashable { case linear, log }
        /// The label, units included ("TTFT (ms)").
        public var label: String
        public var scale: Scale
        /// The range shown; nil: the data's range, widened to whole ticks.
        public var domain: ClosedRange<Double>?
        /// Without a `domain`, the widest range the widened one may take (0...100 for a percentage).
        public var bounds: ClosedRange<Double>?

        public init(
            _ label: String, scale: Scale = .linear, domain: ClosedRange<Double>? = nil,
            bounds: ClosedRange<Double>? = nil
        ) {
            self.label = label
            self.scale = scale
            self.domain = domain
            self.bounds = bounds
        }
    }

    public struct Series: Sendable, Hashable {
        public enum Style: String, Sendable, Hashable {
            /// Straight segments between the points.
            case line
            /// Horizontal then vertical segments: the value holds until the next point.
            case step
            /// Markers only.
            case markers
            /// Straight segments with a marker on every point.
            case lineMarkers
        }

        public var name: String
        public var points: [Point]
        public var style: Style

        public init(name: String, points: [Point], style: Style = .line) {
            self.name = name
            self.points = points
            self.style = style
        }
    }

    public struct Point: Sendable, Hashable {
        public var x: Double
        public var y: Double
        public init(_ x: Double, _ y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// Okabe–Ito colours, yellow left out (it vanishes on white), black last.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    /// Dash patterns, cycled with a different period from the colours so pairs repeat late.
    static let dashes = ["", "7 3", "2 2", "9 3 2 3", "4 4", "1 3", "12 3 3 3 3 3"]
    static let markers: [Marker] = [.circle, .square, .triangle, .diamond, .cross, .plus]
    enum Marker { case circle, square, triangle, diamond, cross, plus }

    /// How series named `name` is drawn: its colour, dash and marker.
    struct Look {
        var color: String
        var dash: String
        var marker: Marker
    }

    /// Series names in order of first appearance: the legend, and each name's look.
    var seriesNames: [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for panel in panels {
            for series in panel.series where seen.insert(series.name).inserted { names.append(series.name) }
        }
        return names
    }

    static func look(_ index: Int) -> Look {
        Look(
            color: palette[index % palette.count], dash: dashes[index % dashes.count],
            marker: markers[index % markers.count])
    }

    // Layout, in SVG units.
    static let left = 78.0, right = 24.0, panelTitle = 22.0, xAxisSpace = 46.0, panelGap = 12.0
    static let legendRow = 18.0

    /// The figure as SVG text.
    public func render() -> String {
        let names = seriesNames
        let lookOf = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.1, SVGChart.look($0.0)) })
        let legend = legendLayout(names)
        let markedNames = Set(
            panels.flatMap { $0.series.filter { $0.style == .markers || $0.style == .lineMarkers }.map(\.name) })
        var top = 34.0 + (subtitle == nil ? 0 : 18) + 6
        let legendTop = top
        top += Double(legend.rows) * SVGChart.legendRow + (names.isEmpty ? 0 : 8)
        let panelHeight = SVGChart.panelTitle + plotHeight + SVGChart.xAxisSpace + SVGChart.panelGap
        let height = top + Double(panels.count) * panelHeight
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width, 0))" height="\(f(height, 0))" \
            viewBox="0 0 \(f(width, 0)) \(f(height, 0))" font-family="Helvetica, Arial, sans-serif" font-size="12">

            """
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += "<text class=\"title\" x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"16\""
        out += " font-weight=\"bold\">\(escape(title))</text>\n"
        if let subtitle {
            out += "<text class=\"subtitle\" x=\"\(f(width / 2))\" y=\"40\" text-anchor=\"middle\" fill=\"#444444\">"
            out += "\(escape(subtitle))</text>\n"
        }
        out += "<g class=\"legend\">\n"
        for (i, name) in names.enumerated() {
            let (row, x) = legend.positions[i]
            let y = legendTop + Double(row) * SVGChart.legendRow + 9
            let look = lookOf[name]!
            out += "<g class=\"legend-entry\" data-series=\"\(escape(name))\">"
            out += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 28))\" y2=\"\(f(y))\" stroke=\"\(look.color)\""
            out += " stroke-width=\"2\"\(dashAttribute(look.dash))/>"
            if markedNames.contains(name) { out += markerPath(look.marker, x + 14, y, color: look.color) }
            out += "<text x=\"\(f(x + 34))\" y=\"\(f(y + 4))\">\(escape(name))</text></g>\n"
        }
        out += "</g>\n"
        let sharedX = sharedXAxis ? SVGChart.union(panels.map { dataRange($0.series, axis: $0.x, \.x) }) : nil
        for (index, panel) in panels.enumerated() {
            let plot = (
                x: SVGChart.left, y: top + Double(index) * panelHeight + SVGChart.panelTitle,
                width: width - SVGChart.left - SVGChart.right, height: plotHeight
            )
            let xTicks = SVGChart.ticks(panel.x, data: sharedX ?? dataRange(panel.series, axis: panel.x, \.x))
            let yTicks = SVGChart.ticks(panel.y, data: dataRange(panel.series, axis: panel.y, \.y))
            let xMap = AxisMap(scale: panel.x.scale, domain: xTicks.domain, from: plot.x, to: plot.x + plot.width)
            let yMap = AxisMap(scale: panel.y.scale, domain: yTicks.domain, from: plot.y + plot.height, to: plot.y)
            out += "<g class=\"panel\" data-plot=\"\(f(plot.x)) \(f(plot.y)) \(f(plot.width)) \(f(plot.height))\""
            out += " data-x-scale=\"\(panel.x.scale.rawValue)\" data-y-scale=\"\(panel.y.scale.rawValue)\""
            out += " data-x-domain=\"\(exact(xTicks.domain.lowerBound)) \(exact(xTicks.domain.upperBound))\""
            out += " data-y-domain=\"\(exact(yTicks.domain.lowerBound)) \(exact(yTicks.domain.upperBound))\">\n"
            out += "<clipPath id=\"plot\(index)\"><rect x=\"\(f(plot.x))\" y=\"\(f(plot.y))\""
            out += " width=\"\(f(plot.width))\" height=\"\(f(plot.height))\"/></clipPath>\n"
            out += "<text class=\"panel-title\" x=\"\(f(plot.x))\" y=\"\(f(plot.y - 8))\" font-weight=\"bold\">"
            out += "\(escape(panel.title))</text>\n"
            out += "<rect x=\"\(f(plot.x))\" y=\"\(f(plot.y))\" width=\"\(f(plot.width))\" height=\"\(f(plot.height))\""
            out += " fill=\"none\" stroke=\"#888888\"/>\n"
            for tick in xTicks.ticks {
                let px = xMap(tick.value)
                out += "<line x1=\"\(f(px))\" y1=\"\(f(plot.y))\" x2=\"\(f(px))\" y2=\"\(f(plot.y + plot.height))\""
                out += " stroke=\"\(tick.major ? "#dddddd" : "#f0f0f0")\"/>"
                if tick.major {
                    out += "<text class=\"tick\" x=\"\(f(px))\" y=\"\(f(plot.y + plot.height + 15))\""
                    out += " text-anchor=\"middle\">\(escape(tick.label))</text>"
                }
                out += "\n"
            }
            for tick in yTicks.ticks {
                let py = yMap(tick.value)
                out += "<line x1=\"\(f(plot.x))\" y1=\"\(f(py))\" x2=\"\(f(plot.x + plot.width))\" y2=\"\(f(py))\""
                out += " stroke=\"\(tick.major ? "#dddddd" : "#f0f0f0")\"/>"
                if tick.major {
                    out += "<text class=\"tick\" x=\"\(f(plot.x - 6))\" y=\"\(f(py + 4))\""
                    out += " text-anchor=\"end\">\(escape(tick.label))</text>"
                }
                out += "\n"
            }
            out += "<text class=\"x-label\" x=\"\(f(plot.x + plot.width / 2))\" y=\"\(f(plot.y + plot.height + 36))\""
            out += " text-anchor=\"middle\">\(escape(panel.x.label))</text>\n"
            let labelY = plot.y + plot.height / 2
            out += "<text class=\"y-label\" x=\"18\" y=\"\(f(labelY))\" text-anchor=\"middle\""
            out += " transform=\"rotate(-90 18 \(f(labelY)))\">\(escape(panel.y.label))</text>\n"
            for series in panel.series {
                let look = lookOf[series.name]!
                let shown = series.points.filter {
                    $0.x.isFinite && $0.y.isFinite && (panel.x.scale == .linear || $0.x > 0)
                        && (panel.y.scale == .linear || $0.y > 0)
                }
                var corners: [(Double, Double)] = []
                for (i, p) in shown.enumerated() {
                    if series.style == .step, i > 0 { corners.append((xMap(p.x), yMap(shown[i - 1].y))) }
                    corners.append((xMap(p.x), yMap(p.y)))
                }
                let points = corners.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
                let stroke = series.style == .markers ? "none" : look.color
                out += "<polyline class=\"series\" data-series=\"\(escape(series.name))\" points=\"\(points)\""
                out += " fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"1.8\" stroke-linejoin=\"round\""
                out += "\(dashAttribute(look.dash)) clip-path=\"url(#plot\(index))\"/>\n"
                if series.style == .markers || series.style == .lineMarkers {
                    out += "<g class=\"markers\" clip-path=\"url(#plot\(index))\">"
                    for p in shown { out += markerPath(look.marker, xMap(p.x), yMap(p.y), color: look.color) }
                    out += "</g>\n"
                }
            }
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    /// Each legend entry's row and x position: entries flow left to right, wrapping at the width.
    func legendLayout(_ names: [String]) -> (rows: Int, positions: [(Int, Double)]) {
        var positions: [(Int, Double)] = []
        var row = 0, x = SVGChart.left
        for name in names {
            // About 6.5 units per character at font size 12, plus the swatch.
            let entry = 34 + 6.5 * Double(name.unicodeScalars.count) + 18
            if x + entry > width - SVGChart.right && x > SVGChart.left {
                row += 1
                x = SVGChart.left
            }
            positions.append((row, x))
            x += entry
        }
        return (names.isEmpty ? 0 : row + 1, positions)
    }

    /// The range of the series' coordinates that `axis` can show, or nil when there are none.
    func dataRange(_ series: [Series], axis: Axis, _ coordinate: KeyPath<Point, Double>) -> ClosedRange<Double>? {
        if let domain = axis.domain { return domain }
        var low = Double.infinity, high = -Double.infinity
        for s in series {
            for p in s.points {
                let v = p[keyPath: coordinate]
                guard v.isFinite, axis.scale == .linear || v > 0 else { continue }
                low = min(low, v)
                high = max(high, v)
            }
        }
        return low <= high ? low...high : nil
    }

    static func union(_ ranges: [ClosedRange<Double>?]) -> ClosedRange<Double>? {
        let present = ranges.compactMap { $0 }
        guard let low = present.map(\.lowerBound).min(), let high = present.map(\.upperBound).max() else { return nil }
        return low...high
    }

    public struct Tick: Sendable, Hashable {
        public var value: Double
        public var label: String
        /// Labelled, with a darker grid line; minor ticks (2 and 5 on a log axis) only draw a line.
        public var major: Bool
    }

    /// The ticks of `axis` over `data` (nil: no data), and the domain they span: the axis's own
    /// domain, or the data's widened to whole ticks (steps of 1, 2 or 5 × 10^k, about five of
    /// them; on a log axis, whole decades with 2 and 5 between them when there are few).
    public static func ticks(_ axis: Axis, data: ClosedRange<Double>?) -> (domain: ClosedRange<Double>, ticks: [Tick]) {
        let data = axis.domain ?? data
        switch axis.scale {
        case .linear:
            var low = data?.lowerBound ?? 0, high = data?.upperBound ?? 1
            if low == high {
                low -= max(1, abs(low) * 0.1)
                high += max(1, abs(high) * 0.1)
            }
            let step = niceStep((high - low) / 5)
            let decimals = max(0, Int(-(log10(step)).rounded(.down)))
            if axis.domain == nil {
                low = (low / step).rounded(.down) * step
                high = (high / step).rounded(.up) * step
                if let bounds = axis.bounds, bounds.lowerBound < high, bounds.upperBound > low {
                    low = max(low, bounds.lowerBound)
                    high = min(high, bounds.upperBound)
                }
            }
            var ticks: [Tick] = []
            var k = (low / step).rounded(.up)
            while k * step <= high + step * 1e-9 {
                let v = k * step
                ticks.append(Tick(value: v, label: TextFormat.fixed(v, decimals), major: true))
                k += 1
            }
            return (low...high, ticks)
        case .log:
            var low = data?.lowerBound ?? 1, high = data?.upperBound ?? 10
            if axis.domain == nil {
                low = pow(10, log10(low).rounded(.down))
                high = pow(10, log10(high).rounded(.up))
                if low == high { high = low * 10 }
            }
            let first = Int(log10(low).rounded(.down)), last = Int(log10(high).rounded(.up))
            let few = last - first <= 3
            var ticks: [Tick] = []
            for decade in first...last {
                for m in few ? [1.0, 2, 5] : [1.0] {
                    let v = m * pow(10, Double(decade))
                    guard v >= low * (1 - 1e-9), v <= high * (1 + 1e-9) else { continue }
                    ticks.append(Tick(value: v, label: logLabel(m, decade), major: m == 1 || last - first <= 1))
                }
            }
            return (low...high, ticks)
        }
    }

    /// 1, 2 or 5 × 10^k, the nearest at or above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, log10(raw).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * power >= raw * (1 - 1e-9) { return m * power }
        return 10 * power
    }

    /// `m` × 10^decade as plain text ("0.02", "500", "1e+09" beyond a million or below 1/10,000).
    static func logLabel(_ m: Double, _ decade: Int) -> String {
        if decade >= 0 && decade <= 6 { return String(Int(m) * Int(pow(10, Double(decade)))) }
        if decade < 0 && decade >= -4 { return TextFormat.fixed(m * pow(10, Double(decade)), -decade) }
        return "\(Int(m))e\(decade > 0 ? "+" : "")\(decade)"
    }

    /// Data to SVG coordinates along one axis.
    public struct AxisMap: Sendable {
        public var scale: Axis.Scale
        public var domain: ClosedRange<Double>
        public var from: Double
        public var to: Double

        public init(scale: Axis.Scale, domain: ClosedRange<Double>, from: Double, to: Double) {
            self.scale = scale
            self.domain = domain
            self.from = from
            self.to = to
        }

        func t(_ v: Double) -> Double { scale == .log ? log10(v) : v }

        public func callAsFunction(_ v: Double) -> Double {
            let span = t(domain.upperBound) - t(domain.lowerBound)
            return from + (t(v) - t(domain.lowerBound)) / (span == 0 ? 1 : span) * (to - from)
        }

        /// The data value at SVG coordinate `c`: what a reader of the file computes.
        public func inverse(_ c: Double) -> Double {
            let span = t(domain.upperBound) - t(domain.lowerBound)
            let v = t(domain.lowerBound) + (c - from) / (to - from) * span
            return scale == .log ? pow(10, v) : v
        }
    }

    func f(_ v: Double, _ decimals: Int = 2) -> String { TextFormat.fixed(v, decimals) }

    /// The shortest text that reads back as `v` (domains in the data attributes).
    func exact(_ v: Double) -> String { "\(v)" }

    func dashAttribute(_ dash: String) -> String { dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"" }

    func markerPath(_ marker: Marker, _ x: Double, _ y: Double, color: String) -> String {
        let r = 3.5
        let fill = " fill=\"\(color)\" stroke=\"\(color)\""
        switch marker {
        case .circle:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\"\(fill)/>"
        case .square:
            return "<rect x=\"\(f(x - r))\" y=\"\(f(y - r))\" width=\"\(f(2 * r))\" height=\"\(f(2 * r))\"\(fill)/>"
        case .triangle:
            return
                "<path d=\"M\(f(x)) \(f(y - r * 1.2))L\(f(x + r * 1.1)) \(f(y + r))L\(f(x - r * 1.1)) \(f(y + r))Z\"\(fill)/>"
        case .diamond:
            return
                "<path d=\"M\(f(x)) \(f(y - r * 1.3))L\(f(x + r)) \(f(y))L\(f(x)) \(f(y + r * 1.3))L\(f(x - r)) \(f(y))Z\"\(fill)/>"
        case .cross:
            return
                "<path d=\"M\(f(x - r)) \(f(y - r))L\(f(x + r)) \(f(y + r))M\(f(x - r)) \(f(y + r))L\(f(x + r)) \(f(y - r))\""
                + " fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        case .plus:
            return "<path d=\"M\(f(x - r)) \(f(y))L\(f(x + r)) \(f(y))M\(f(x)) \(f(y - r))L\(f(x)) \(f(y + r))\""
                + " fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        }
    }

    /// `text` safe inside an XML element or a double-quoted attribute; control characters (not
    /// allowed in XML 1.0) become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = scalar.value
                if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    func escape(_ text: String) -> String { SVGChart.escape(text) }
}
