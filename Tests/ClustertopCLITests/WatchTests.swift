import Testing

@testable import ClustertopCLI

@Suite struct WatchTests {
    @Test func dumpsOneFrameWithoutATerminal() {
        let outcome = clustertop("watch", "default", "--dump-frame", "2", "--size", "80x24", "--ascii")
        #expect(outcome.status == 0)
        #expect(outcome.output.filter { $0 == "\n" }.count == 24)
        #expect(outcome.output.hasPrefix(" default  00:02.0"), "\(outcome.output)")
        #expect(outcome.errors == "")
    }

    @Test func theDashboardNeedsATerminal() {
        let outcome = clustertop("watch", "default")
        #expect(outcome.status == 2)
        #expect(outcome.output == "")
        #expect(
            outcome.errors == """
                error: standard output is not a terminal, and the dashboard needs one.
                For a headless run use `clustertop run default` (a table, or --format json or csv); \
                `clustertop watch --dump-frame SECONDS` prints one dashboard frame as text.

                """)
    }

    @Test func aBadFrameSizeIsBadInput() {
        let outcome = clustertop("watch", "default", "--dump-frame", "1", "--size", "5x5")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: --size: expected WxH such as 120x40, got \"5x5\"\n")
    }
}
