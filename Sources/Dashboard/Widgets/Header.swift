import ClusterSim

/// The header rows: what runs and how fast (row 1), how the cluster is doing (row 2), and meters
/// of its KV cache, queue and preemptions (row 3, `HeaderMeters`).
public enum HeaderWidget {
    public static let id = PanelID("header")
    static let panel = Panel(id, .stack, .fixed(3)) { c, buffer in
        draw(c.snapshot, c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    public static func draw(
        _ s: DashboardSnapshot, _ state: UIState, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        guard rect.height >= 1 else { return }
        let bar = CellStyle(.header)
        let strong = CellStyle(.headerStrong)
        buffer.fill(rect.row(0), " ", bar)
        let clock = s.clock
        var state1: [(String, CellStyle)]
        if s.finished && s.isReplay {
            state1 = [("END OF RECORDING", CellStyle(.warn, [.bold]))]
        } else if s.finished {
            state1 = [("FINISHED", strong)]
        } else if clock.paused {
            state1 = [(glyphs.paused + " PAUSED", strong)]
        } else {
            state1 = [(glyphs.playing + " running", bar)]
        }
        var speed: [(String, CellStyle)] = [("speed ", bar), (Format.speed(clock.speed), strong)]
        if clock.lagging && !clock.paused {
            speed.append((" BEHIND: " + Format.speed(clock.achievedSpeed) + " max", CellStyle(.badgeFail)))
        }
        var fields: [Draw.Field] = [
            Draw.Field([("clustertop", strong)], priority: 1),
            Draw.Field([(s.scenario, bar)], priority: 5),
            Draw.Field([(Time.clock(s.now), strong)], priority: 10),
            Draw.Field(state1, priority: 10),
            Draw.Field(speed, priority: 9),
            Draw.Field([("global ", bar), (s.globalPolicy, strong)], priority: 8),
            Draw.Field([("local ", bar), (s.localPolicy, strong)], priority: 8),
        ]
        if let choice = s.decodeChoice {
            fields.append(Draw.Field([("decode ", bar), (choice.rawValue, strong)], priority: 8))
        }
        if case .on = s.recording {
            fields.append(Draw.Field([(glyphs.recording + " REC", CellStyle(.badgeFail))], priority: 7))
        }
        if s.isReplay {
            // Where the replay stands in the recording, in the place of the bare clock.
            let now = TextFormat.fixed(Time.toSeconds(s.now), 1)
            let length = s.replayLength.map { TextFormat.fixed(Time.toSeconds($0), 1) }
            fields[2] = Draw.Field(forms: [
                ([("t=" + now + " s", strong), (length.map { " / " + $0 + " s" } ?? "", bar)], 10),
                ([(now, strong), (length.map { "/" + $0 } ?? "", bar)], 10),
            ])
            fields.insert(Draw.Field([(" REPLAY ", CellStyle(.badgeDrain, [.bold]))], priority: 11), at: 1)
        }
        Draw.fitted(
            fields, separator: ("  ", bar), in: Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1),
            into: &buffer)

        guard rect.height >= 2 else { return }
        let row = rect.row(1)
        let label = CellStyle(.dim)
        let value = CellStyle(.normal, [.bold])
        let r = s.recent
        // At every supported width the row keeps the SLO figure, the queue (and the requests no
        // instance can take), KV, preemptions and migrations, in short forms when narrow. What
        // goes first: in flight, done, tok/s; then the long labels; then the arrival rate and the
        // recent SLO figure. Should even the short forms not fit, the last of the kept ones goes.
        let (sloKept, unassignedKept, queuedKept, kvKept, preemptionsKept, migrationsKept) = (25, 24, 23, 22, 21, 20)
        let rate = [(Format.fixed(r.arrivalsPerSecond, 1), value), ("/s", label)]
        var spike: [(String, CellStyle)] = []
        if s.rateMultiplier != 1 {
            let factor = Format.fixed(s.rateMultiplier, s.rateMultiplier == s.rateMultiplier.rounded() ? 0 : 1)
            spike = [(" SPIKE x" + factor, CellStyle(.warn))]
        }
        let arrival = Draw.Field(forms: [
            ([("arrivals ", label)] + rate + [(" (rate \(Format.fixed(s.nominalArrivalRate, 1)))", label)] + spike, 5),
            ([("arr ", label)] + rate + spike, 7),
        ])
        // Violations count as they happen, so an outage lowers the figure while nothing completes;
        // before anything is decided there is no figure ("-"), not 100%.
        let sloNow = r.attainment
        let sloStyle = (sloNow ?? s.totals.attainment).map { CellStyle(sloRole($0), [.bold]) } ?? value
        let sloTotal: [(String, CellStyle)] = [
            ("SLO ", label), (Format.percent(s.totals.attainment ?? .nan), sloStyle),
        ]
        var slo = Draw.Field(sloTotal, priority: sloKept)
        if let sloNow {
            slo.forms = [
                (sloTotal + [(" (last 5s " + Format.percent(sloNow) + ")", label)], 6),
                (sloTotal + [(" (5s " + Format.percent(sloNow) + ")", label)], 8),
                (sloTotal, sloKept),
            ]
        }
        let kv = s.totals.kvUtilization
        let kvStyle = kv.isFinite ? CellStyle(kv >= 0.95 ? .critical : kv >= 0.8 ? .warn : .normal, [.bold]) : value
        let preemptionStyle = s.totals.preemptions > 0 ? CellStyle(.warn, [.bold]) : value
        let preemptions = (Format.count(s.totals.preemptions), preemptionStyle)
        let migrations = (Format.count(s.totals.migrations), value)
        var fields2: [Draw.Field] = [
            arrival,
            Draw.Field(
                [("done ", label), (Format.fixed(r.completionsPerSecond, 1), value), ("/s", label)], priority: 3),
            Draw.Field([(Format.compact(r.tokensPerSecond), value), (" tok/s", label)], priority: 4),
            slo,
            Draw.Field(forms: [
                ([("queued ", label), (String(s.totals.waiting), CellStyle(.queue, [.bold]))], 5),
                (
                    [("queued ", label), (Format.count(Int64(s.totals.waiting)), CellStyle(.queue, [.bold]))],
                    queuedKept
                ),
            ]),
            Draw.Field([("in flight ", label), (String(s.totals.inFlight), value)], priority: 2),
            Draw.Field([("KV ", label), (Format.percent(kv, decimals: 0), kvStyle)], priority: kvKept),
            Draw.Field(forms: [
                ([("preempt ", label), preemptions], 5), ([("pre ", label), preemptions], preemptionsKept),
            ]),
            Draw.Field(forms: [([("migr ", label), migrations], 5), ([("mig ", label), migrations], migrationsKept)]),
        ]
        if s.totals.unassigned > 0 {
            fields2.append(
                Draw.Field(forms: [
                    ([("unassigned ", label), (String(s.totals.unassigned), CellStyle(.critical))], 5),
                    (
                        [("unassigned ", label), (Format.count(Int64(s.totals.unassigned)), CellStyle(.critical))],
                        unassignedKept
                    ),
                ]))
        }
        Draw.fitted(
            fields2, separator: ("  ", .normal), in: Rect(x: row.x + 1, y: row.y, width: row.width - 2, height: 1),
            into: &buffer)

        guard rect.height >= 3 else { return }
        HeaderMeters.draw(s, in: rect.row(2), glyphs: glyphs, into: &buffer)
    }

    /// Severity of an SLO attainment (k9s's thresholds turned around: below 90% is critical).
    public static func sloRole(_ attainment: Double) -> StyleRole {
        attainment >= 0.99 ? .ok : attainment >= 0.9 ? .warn : .critical
    }
}
