import ClusterSim
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An SVG file written by `SVGChart`, read back with Foundation's XML parser: its texts, legend,
/// and each panel's series as data values (the polyline points mapped back through the panel's
/// axes), for every test target that draws charts.
public final class SVGReading: NSObject, XMLParserDelegate {
    public struct Panel {
        public var title = ""
        public var xLabel = ""
        public var yLabel = ""
        public var xMap: SVGChart.AxisMap
        public var yMap: SVGChart.AxisMap
        /// Series name and its points in data units, in file order.
        public var series: [(name: String, points: [SVGChart.Point])] = []
    }

    public var title = ""
    public var legend: [String] = []
    public var panels: [Panel] = []
    private var textClass: String?
    private var text = ""

    /// Reads `svg`; nil when it is not well-formed XML or lacks the panels' attributes.
    public static func read(_ svg: String) -> SVGReading? {
        let reading = SVGReading()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reading
        return parser.parse() ? reading : nil
    }

    public func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let kind = attributes["class"]
        if element == "g", kind == "panel" {
            func numbers(_ key: String) -> [Double] {
                (attributes[key] ?? "").split(separator: " ").compactMap { Double($0) }
            }
            let plot = numbers("data-plot"), xd = numbers("data-x-domain"), yd = numbers("data-y-domain")
            guard plot.count == 4, xd.count == 2, yd.count == 2,
                let xs = SVGChart.Axis.Scale(rawValue: attributes["data-x-scale"] ?? ""),
                let ys = SVGChart.Axis.Scale(rawValue: attributes["data-y-scale"] ?? "")
            else { return parser.abortParsing() }
            panels.append(
                Panel(
                    xMap: .init(scale: xs, domain: xd[0]...xd[1], from: plot[0], to: plot[0] + plot[2]),
                    yMap: .init(scale: ys, domain: yd[0]...yd[1], from: plot[1] + plot[3], to: plot[1])))
        } else if element == "g", kind == "legend-entry", let name = attributes["data-series"] {
            legend.append(name)
        } else if element == "polyline", kind == "series", let name = attributes["data-series"], !panels.isEmpty {
            let i = panels.count - 1
            let points = (attributes["points"] ?? "").split(separator: " ").compactMap { pair -> SVGChart.Point? in
                let c = pair.split(separator: ",").compactMap { Double($0) }
                guard c.count == 2 else { return nil }
                return SVGChart.Point(panels[i].xMap.inverse(c[0]), panels[i].yMap.inverse(c[1]))
            }
            panels[i].series.append((name, points))
        } else if element == "text" {
            textClass = kind
            text = ""
        }
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    public func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
    ) {
        guard element == "text", let kind = textClass else { return }
        switch kind {
        case "title": title = text
        case "panel-title": panels[panels.count - 1].title = text
        case "x-label": panels[panels.count - 1].xLabel = text
        case "y-label": panels[panels.count - 1].yLabel = text
        default: break
        }
        textClass = nil
    }
}

extension SVGReading.Panel {
    /// Whether a point read back is the data point drawn: the same place in the plot, to the
    /// 0.01 unit the file keeps coordinates to.
    public func agrees(_ read: SVGChart.Point, _ data: SVGChart.Point) -> Bool {
        abs(xMap(read.x) - xMap(data.x)) <= 0.0051 && abs(yMap(read.y) - yMap(data.y)) <= 0.0051
    }

    /// The points of the series named `name`, nil when there is none.
    public func points(_ name: String) -> [SVGChart.Point]? { series.first { $0.name == name }?.points }
}
