import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

@testable import Guest

/// The inspectors that run beside the ordered pass (`runsBesideLaterOnes`) give the facts of
/// running every inspector in place, one after another: same fields, same problems in the same
/// order (GuestInspector.inspectInOrder).
@Suite struct BesideLaneTests {
    /// Facts as JSON with sorted keys: a difference in any field, or in the order of any list, shows.
    func json(_ facts: GuestFacts) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(facts), as: UTF8.self)
    }

    func bothWays(_ tree: () throws -> GuestTree) throws -> (inPlace: String, beside: String) {
        let all = GuestInspector.all
        return (
            try json(GuestInspector.inspectInOrder(try tree(), inspectors: all, beside: false)),
            try json(GuestInspector.inspectInOrder(try tree(), inspectors: all, beside: true))
        )
    }

    @Test(arguments: ["inspect-debian12", "inspect-rhel9", "inspect-ubuntu2404", "inspect-damaged"])
    func committedTreeGivesTheSameFacts(_ name: String) throws {
        let (inPlace, beside) = try bothWays { try Trees.tree(name) }
        #expect(inPlace == beside)
        #expect(inPlace.contains("\"kernels\""))
    }

    /// The debootstrap root: real modules directories, config and initramfs.
    @Test func debootstrapRootGivesTheSameFacts() throws {
        let root = try Fixtures.path("debian12-tree") + "/rootfs"
        let (inPlace, beside) = try bothWays { GuestTree(root: try DirectoryFileSystem(path: root)) }
        #expect(inPlace == beside)
        #expect(inPlace.contains("hv_netvsc"))
    }

    /// Kernels whose driver walk and initramfs add problems beside those the kernel inspector
    /// added: each kernel's problems come in the in-place order.
    @Test func kernelProblemsKeepTheirOrder() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A config and a modules.builtin over the 4 MiB the readers take: a problem each.
        let tooLarge = [UInt8](repeating: UInt8(ascii: "#"), count: DriverInspector.maximumConfigSize + 1)
        for r in ["6.1.0-1-amd64", "6.1.0-2-amd64"] {
            try Trees.write(root, "/boot/vmlinuz-\(r)", "not a kernel")
            try Trees.write(root, "/boot/config-\(r)", tooLarge)
            try Trees.write(root, "/boot/initrd.img-\(r)", "not an initramfs")
            try Trees.write(root, "/lib/modules/\(r)/modules.builtin", tooLarge)
            try Trees.write(root, "/lib/modules/\(r)/kernel/drivers/net/hyperv/hv_netvsc.ko", "")
        }
        try Trees.write(root, InitramfsInspector.hooks[0], "#!/bin/sh\n")
        let (inPlace, beside) = try bothWays { GuestTree(root: try DirectoryFileSystem(path: root)) }
        #expect(inPlace == beside)
        let facts = GuestInspector.inspectInOrder(
            GuestTree(root: try DirectoryFileSystem(path: root)), inspectors: GuestInspector.all, beside: true)
        #expect(facts.kernels.count == 2)
        for k in facts.kernels {
            #expect(k.problems.count >= 2, "\(k.problems)")
            #expect(k.drivers.first { $0.name == "hv_netvsc" }?.presence == .module)
        }
    }

    /// The merge in isolation: problems added by inspectors run beside go after those their base
    /// held and after those merged before them, whatever the ordered pass added in between.
    @Test func problemsAreInsertedWhereTheOrderedPassPutsThem() {
        let inspectors: [any Inspector] = [
            AddProblem(tag: "k", beside: false, seedsKernel: true), AddProblem(tag: "a", beside: true),
            AddProblem(tag: "b", beside: false), AddProblem(tag: "c", beside: true),
            AddProblem(tag: "d", beside: false),
        ]
        let tree = GuestTree(mounts: [])
        let inPlace = GuestInspector.inspectInOrder(tree, inspectors: inspectors, beside: false)
        let beside = GuestInspector.inspectInOrder(tree, inspectors: inspectors, beside: true)
        #expect(inPlace.kernels.first?.problems == ["k", "a", "b", "c", "d"])
        #expect(beside.kernels.first?.problems == inPlace.kernels.first?.problems)
        #expect(beside.problems == inPlace.problems)
        #expect(beside.problems.count == 5)
    }
}

/// Appends `tag` to the first kernel's problems and as an inspection problem (the first one
/// creates the kernel).
private struct AddProblem: Inspector {
    let tag: String
    let beside: Bool
    var seedsKernel = false
    var name: String { "add-\(tag)" }
    var interest: GuestInterest { GuestInterest([]) }
    var runsBesideLaterOnes: Bool { beside }

    func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        if seedsKernel { facts.kernels = [KernelFacts(release: "1", modulesDirectory: .path("/lib/modules/1"))] }
        facts.kernels[0].problems.append(tag)
        throw ImageError("test", .corrupt, tag)
    }
}
