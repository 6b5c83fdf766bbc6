import ClusterSim
import Dispatch

/// The UI thread's loop: keys in, commands out, the newest snapshot drawn at most
/// `framesPerSecond` times a second (and at once after a key), only changed cells written.
///
/// It runs on the main thread and is the only caller of the backend (curses is not thread-safe);
/// the simulation runs on the runner's queue and is seen only through its snapshots.
@MainActor
public final class DashboardApp {
    public let runner: SimulationRunner
    public let backend: any TerminalBackend
    public let glyphs: Glyphs
    public private(set) var state: UIState
    public private(set) var snapshot: DashboardSnapshot?
    public private(set) var framesDrawn = 0
    let period: UInt64
    var version: UInt64 = 0
    var lastSent: UInt64 = 0
    var fullRedraw = true
    var buffer = ScreenBuffer(width: 0, height: 0)

    public init(
        runner: SimulationRunner, backend: any TerminalBackend, glyphs: Glyphs, state: UIState,
        framesPerSecond: Double = 20
    ) {
        self.runner = runner
        self.backend = backend
        self.glyphs = glyphs
        self.state = state
        period = UInt64(1e9 / max(1, framesPerSecond))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Runs until a quit key (or `maxFrames` frames, for tests); starts and stops the runner.
    /// Returns what to tell the user once the terminal is back.
    @discardableResult
    public func run(maxFrames: Int? = nil) -> [String] {
        runner.start()
        var nextFrame = DashboardApp.now()
        var keyFrame = true
        while !state.quit {
            if let maxFrames, framesDrawn >= maxFrames { break }
            let now = DashboardApp.now()
            let wait = keyFrame ? 0 : Int((nextFrame &- min(nextFrame, now)) / 1_000_000)
            if let key = backend.nextKey(timeoutMilliseconds: wait) {
                handle(key)
                // Take whatever else is already typed before drawing (pasted or repeated keys).
                var more = 0
                while more < 64, !state.quit, let next = backend.nextKey(timeoutMilliseconds: 0) {
                    handle(next)
                    more += 1
                }
                if lastSent > 0, let s = runner.waitForSnapshot(applying: lastSent, timeout: 0.05) {
                    take(s, version: runner.latest().version)
                }
                keyFrame = true
            }
            if state.quit { break }
            let t = DashboardApp.now()
            guard keyFrame || t >= nextFrame else { continue }
            let (latest, v) = runner.latest()
            var changed = keyFrame
            if v != version, let latest {
                take(latest, version: v)
                changed = true
            }
            if changed || fullRedraw { draw() }
            keyFrame = false
            nextFrame = max(nextFrame + period, t + period / 2)
        }
        return runner.stop()
    }

    func take(_ s: DashboardSnapshot, version v: UInt64) {
        snapshot = s
        version = v
        Reducer.sync(&state, with: s, pending: lastSent > s.appliedSequence)
    }

    func handle(_ key: Key) {
        if key == .resize { fullRedraw = true }
        for effect in Reducer.handle(key, state: &state, snapshot: snapshot) {
            switch effect {
            case .send(let command): lastSent = runner.send(command)
            case .redraw: fullRedraw = true
            case .saveConfig(let config): state.setup.message = DashboardApp.save(config, to: state.setup.path)
            }
        }
    }

    /// Writes the setup screen's settings; says what happened, for the setup screen to show.
    nonisolated static func save(_ config: DashboardConfig, to path: String?) -> String {
        guard let path else { return "cannot save: neither XDG_CONFIG_HOME nor HOME is set" }
        do {
            try config.write(to: path)
            return "saved to \(path)"
        } catch {
            return error.description
        }
    }

    func draw() {
        let size = backend.size
        if buffer.width != size.width || buffer.height != size.height {
            buffer = ScreenBuffer(width: size.width, height: size.height)
            fullRedraw = true
        }
        DashboardApp.compose(snapshot, &state, glyphs: glyphs, into: &buffer)
        backend.present(buffer, full: fullRedraw)
        fullRedraw = false
        framesDrawn += 1
    }

    /// One frame of `driver`'s current state, drawn without a terminal (`--dump-frame`, tests).
    nonisolated public static func frame(
        _ driver: SimulationDriver, width: Int, height: Int, glyphs: Glyphs, state: UIState? = nil,
        clock: RunClock = RunClock(paused: true)
    ) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        var ui = state ?? UIState()
        let s = driver.snapshot(clock: clock, detail: ui.overlay == .details ? ui.focus : nil)
        Reducer.sync(&ui, with: s, pending: false)
        compose(s, &ui, glyphs: glyphs, into: &buffer)
        return buffer
    }

    /// One frame into `buffer`: the layout for its size, the state clamped to that layout (a new
    /// size can move the scroll position), then one draw with the clamped state.
    nonisolated public static func compose(
        _ s: DashboardSnapshot?, _ state: inout UIState, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        let layout = DashboardView.layout(s, state, width: buffer.width, height: buffer.height)
        Reducer.layout(&state, layout)
        DashboardView.draw(s, state, layout, glyphs: glyphs, into: &buffer)
    }
}
