import Foundation
import TestSupport
import Testing

/// Files a remote image names are sibling URLs carrying the image's query: a qcow2 overlay over
/// its backing file and a split VMDK over its extent check as from disk; a backing file named
/// with `..` or an absolute path is refused unless --allow-external-files.
@Suite(.serialized) struct RemoteSiblingTests {
    /// A folder served by nginx behind a FaultProxy (which records request targets), holding
    /// `base.qcow2` (a link to the Debian 12 qcow2 fixture) and overlays made by qemu-img.
    final class Served {
        let root: String
        let server: NginxServer
        let proxy: FaultProxy
        init() throws {
            root =
                FileManager.default.temporaryDirectory.appendingPathComponent("ig-siblings-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: root + "/base.qcow2", withDestinationPath: try Fixtures.path("debian12-disk/disk.qcow2"))
            try FileManager.default.createSymbolicLink(
                atPath: root + "/split", withDestinationPath: try Fixtures.path("vmdk-debian12/split"))
            server = try NginxServer(root: root)
            proxy = try FaultProxy(upstreamPort: server.port)
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        /// An empty qcow2 overlay at `path` (under root) whose backing file is stored as `backing`
        /// (not opened: `-u`, so a name meant for the server works too).
        func overlay(_ path: String, backing: String) throws {
            let info = try Tools.run(["qemu-img", "info", "--output=json", root + "/base.qcow2"])
            let size = try #require(
                (try JSONSerialization.jsonObject(with: info.data) as? [String: Any])?["virtual-size"] as? Int)
            let dir = (root + "/" + path as NSString).deletingLastPathComponent
            let r = try Tools.run([
                "sh", "-c", "cd \"$1\" && qemu-img create -q -u -f qcow2 -F qcow2 -b \"$2\" \"$3\" \"$4\"", "sh", dir,
                backing,
                (path as NSString).lastPathComponent, "\(size)",
            ])
            guard r.status == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: r.stderr])
            }
        }

        func url(_ path: String) -> String { "http://127.0.0.1:\(proxy.port)/\(path)" + RemoteCheckTests.query }
    }

    static func sameAsFromDisk(_ args: [String], url: String, fixture: String) throws {
        let local = try CLI.run(["check", "--format", "json", try Fixtures.path(fixture)])
        let remote = try CLI.run(["check", "--format", "json"] + args + [url])
        #expect(remote.status == local.status, "\(remote.stderr)")
        #expect(
            try RemoteCheckTests.comparable(remote.stdout).isEqual(try RemoteCheckTests.comparable(local.stdout)),
            "\(url)")
    }

    @Test func overlayReadsItsSiblingBackingFileWithTheSameQuery() throws {
        let served = try Served()
        try served.overlay("overlay.qcow2", backing: "base.qcow2")
        try served.overlay("sub/dotted.qcow2", backing: "./../base.qcow2")
        try Self.sameAsFromDisk([], url: served.url("overlay.qcow2"), fixture: "debian12-disk/disk.qcow2")
        let backingRequests = served.proxy.targets.filter { $0.hasPrefix("/base.qcow2") }
        #expect(!backingRequests.isEmpty, "the backing file was not read over HTTP")
        #expect(backingRequests.allSatisfy { $0.hasSuffix(RemoteCheckTests.query) }, "a sibling request lost the query")
        let inspect = try CLI.run(["inspect", served.url("overlay.qcow2")])
        let text = String(decoding: inspect.stdout, as: UTF8.self)
        #expect(text.contains("http://127.0.0.1:\(served.proxy.port)/base.qcow2"), "inspect lists the backing URL")
        #expect(!text.contains("c2VjcmV0") && !inspect.stderr.contains("c2VjcmV0"))
    }

    @Test func backingFilesOutsideTheFolderAreRefusedUnlessAllowed() throws {
        let served = try Served()
        try served.overlay("sub/up.qcow2", backing: "../base.qcow2")
        try served.overlay("sub/absolute.qcow2", backing: "/base.qcow2")
        for name in ["sub/up.qcow2", "sub/absolute.qcow2"] {
            let refused = try CLI.run(["check", served.url(name)])
            #expect(refused.status == 2, "\(name): \(refused.stderr)")
            #expect(
                refused.stderr.contains("outside the image's folder http://127.0.0.1:\(served.proxy.port)/sub"),
                "\(refused.stderr)")
            #expect(refused.stderr.contains("--allow-external-files"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("c2VjcmV0"))
            try Self.sameAsFromDisk(
                ["--allow-external-files"], url: served.url(name), fixture: "debian12-disk/disk.qcow2")
        }
    }

    @Test func splitVMDKReadsItsSiblingExtent() throws {
        let served = try Served()
        try Self.sameAsFromDisk([], url: served.url("split/disk.vmdk"), fixture: "vmdk-debian12/split/disk.vmdk")
        let extent = served.proxy.targets.filter { $0.hasPrefix("/split/disk-s001.vmdk") }
        #expect(!extent.isEmpty && extent.allSatisfy { $0.hasSuffix(RemoteCheckTests.query) })
    }
}
