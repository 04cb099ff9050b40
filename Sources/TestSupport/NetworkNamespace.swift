import Foundation

/// A real network namespace with a veth pair (`veth0` ↔ `veth1`), made with iproute2 and deleted
/// when released. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN): tests check `canCreate` first.
public final class NetworkNamespace: Sendable {
    /// `imagegate-test-<pid>-<n>`, under `/run/netns`.
    public let name: String

    /// True when namespaces can be made here (root, and iproute2 present).
    public static var canCreate: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: ip)
    }

    /// Why the namespace tests do not run, for their skip message.
    public static let requirement = "needs root and iproute2 (ip netns add): run `make test` as root to include it"

    static let ip =
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/sbin/ip"

    /// Creates the namespace and the pair inside it; throws with iproute2's message when it fails.
    public init() throws {
        name = "imagegate-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        try Self.ip(["netns", "add", name])
        do {
            try Self.ip(["-n", name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"])
            try Self.ip(["-n", name, "link", "set", "veth0", "up"])
            try Self.ip(["-n", name, "link", "set", "veth1", "up"])
        } catch {
            _ = try? Tools.runProcess(URL(fileURLWithPath: Self.ip), ["netns", "del", name])
            throw error
        }
    }

    deinit { _ = try? Tools.runProcess(URL(fileURLWithPath: Self.ip), ["netns", "del", name]) }

    /// `/run/netns/<name>`, for setns(2).
    public var path: String { "/run/netns/" + name }

    /// Runs `argv` inside the namespace (`ip netns exec`, which also mounts the namespace's /sys).
    public func exec(_ argv: [String]) throws -> Tools.Output {
        try Tools.runProcess(URL(fileURLWithPath: Self.ip), ["netns", "exec", name] + argv)
    }

    /// The interface index of `interface` inside the namespace.
    public func index(of interface: String) throws -> Int? {
        let r = try exec(["cat", "/sys/class/net/\(interface)/ifindex"])
        return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @discardableResult
    static func ip(_ args: [String]) throws -> Tools.Output {
        let r = try Tools.runProcess(URL(fileURLWithPath: ip), args)
        guard r.status == 0 else {
            throw NamespaceError(message: "ip \(args.joined(separator: " ")): \(r.stderr)")
        }
        return r
    }
}

/// iproute2 refused.
public struct NamespaceError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
