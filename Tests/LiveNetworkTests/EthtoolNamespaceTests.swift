import Foundation
import Glibc
import LiveNetwork
import Synchronization
import TestSupport
import Testing

/// The ethtool ioctl against a real driver: veth's statistics in a namespace of its own, read on a
/// thread that joined it (a network namespace is per thread, so the rest of the test process
/// stays where it is).
@Suite(.serialized) struct EthtoolNamespaceTests {
    /// setns(2): Glibc's module map leaves it out (it is behind _GNU_SOURCE), so it is looked up.
    typealias SetNS = @convention(c) (Int32, Int32) -> Int32
    /// CLONE_NEWNET (include/uapi/linux/sched.h), also behind _GNU_SOURCE.
    static let cloneNewNet: Int32 = 0x4000_0000

    static func inNamespace<T: Sendable>(_ path: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            guard let symbol = dlsym(nil, "setns") else {
                result.withLock { $0 = .failure(NamespaceError(message: "no setns in libc")) }
                return
            }
            let setns = unsafeBitCast(symbol, to: SetNS.self)
            let fd = open(path, O_RDONLY)
            guard fd >= 0, setns(fd, Self.cloneNewNet) == 0 else {
                result.withLock { $0 = .failure(NamespaceError(message: "setns \(path): errno \(errno)")) }
                return
            }
            close(fd)
            result.withLock { $0 = Result { try body() } }
        }
        thread.start()
        done.wait()
        guard let r = result.withLock({ $0 }) else { throw NamespaceError(message: "thread ended without a result") }
        return try r.get()
    }

    @Test(.enabled(if: NetworkNamespace.canCreate, Comment(rawValue: NetworkNamespace.requirement)))
    func vethStatisticsNameItsPeer() throws {
        let ns = try NetworkNamespace()
        let stats = try Self.inNamespace(ns.path) { try EthtoolStatistics().counters(of: "veth0") }
        let peer = try #require(try ns.index(of: "veth1"))
        #expect(stats["peer_ifindex"] == UInt64(peer))
        #expect(stats.keys.contains { $0.hasPrefix("rx_queue_0_") })
    }
}
