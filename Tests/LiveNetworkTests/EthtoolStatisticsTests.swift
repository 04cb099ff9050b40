import BlockIO
import Glibc
import LiveNetwork
import Testing

@Suite struct EthtoolStatisticsTests {
    @Test func loopbackHasNoDriverStatistics() throws {
        #expect(try EthtoolStatistics().counters(of: "lo").isEmpty)
    }

    @Test func anAbsentInterfaceIsAnIOError() {
        #expect(throws: ImageError.self) { try EthtoolStatistics().counters(of: "nonexistent0") }
        do {
            _ = try EthtoolStatistics().counters(of: "nonexistent0")
        } catch let e as ImageError {
            #expect(e.kind == .io(errno: ENODEV))
            #expect(e.detail.hasPrefix("ETHTOOL_GSSET_INFO on nonexistent0"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aNameLongerThanIFNAMSIZIsRefused() {
        do {
            _ = try EthtoolStatistics().counters(of: String(repeating: "x", count: 40))
            Issue.record("no error")
        } catch let e as ImageError {
            #expect(e.kind == .io(errno: ENAMETOOLONG))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
