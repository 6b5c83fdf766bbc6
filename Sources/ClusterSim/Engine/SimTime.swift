/// Simulated time in integer microseconds since the start of a run.
///
/// Integer time keeps runs bit-for-bit reproducible: no floating-point drift accumulates
/// however long a run lasts, and comparisons are exact.
public typealias SimTime = Int64

public enum Time {
    public static let microsecondsPerSecond: SimTime = 1_000_000

    /// Seconds to microseconds, rounded to the nearest microsecond.
    public static func seconds(_ s: Double) -> SimTime { SimTime((s * 1e6).rounded()) }
    /// Milliseconds to microseconds, rounded to the nearest microsecond.
    public static func milliseconds(_ ms: Double) -> SimTime { SimTime((ms * 1e3).rounded()) }
    public static func toSeconds(_ t: SimTime) -> Double { Double(t) / 1e6 }
    public static func toMilliseconds(_ t: SimTime) -> Double { Double(t) / 1e3 }

    /// `12:34.5` style clock for display (minutes:seconds.tenths, hours when needed).
    public static func clock(_ t: SimTime) -> String {
        let tenths = t / 100_000
        let h = tenths / 36_000, m = (tenths / 600) % 60, s = (tenths / 10) % 60, d = tenths % 10
        let mm = m < 10 ? "0\(m)" : "\(m)", ss = s < 10 ? "0\(s)" : "\(s)"
        return h > 0 ? "\(h):\(mm):\(ss).\(d)" : "\(mm):\(ss).\(d)"
    }
}
