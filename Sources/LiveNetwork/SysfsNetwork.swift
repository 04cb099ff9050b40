import BlockIO
import Foundation

/// The network interfaces below a sysfs root: `<root>/class/net/*`.
///
/// The root is `/sys` on a running system; tests point it at a synthetic tree (`--sysfs-root`,
/// `IMAGEGATE_SYSFS_ROOT`). Only small attribute files and links are read, never followed outside
/// the root except for the name of a link's last component (`device/driver` → `hv_netvsc`).
public struct SysfsNetwork: Sendable {
    /// The sysfs mount point (`/sys`).
    public let root: String
    /// At most this many interfaces are listed (a host with containers has a few hundred).
    public static let maximumInterfaces = 4096
    /// Attribute files are a line; anything longer is not sysfs.
    static let maximumAttributeSize = 4096

    /// A view of `root` (no I/O until asked).
    public init(root: String = "/sys") {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// `<root>/class/net`.
    public var classNet: String { root + "/class/net" }

    /// Every interface, sorted by name. Throws when `<root>/class/net` cannot be listed.
    public func interfaces() throws -> [NetworkInterface] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: classNet)
        } catch {
            throw ImageError("sysfs", .notFound, "cannot list \(classNet): \(Self.reason(error))")
        }
        guard names.count <= Self.maximumInterfaces else {
            throw ImageError(
                "sysfs", .limitExceeded, "\(classNet) lists \(names.count) interfaces (limit \(Self.maximumInterfaces))"
            )
        }
        return try names.sorted().map(interface(named:))
    }

    /// One interface's driver, flags and `lower_*` entries.
    public func interface(named name: String) throws -> NetworkInterface {
        let dir = classNet + "/" + name
        let fm = FileManager.default
        let entries = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
        let lowers = entries.filter { $0.hasPrefix("lower_") && $0.count > 6 }.map { String($0.dropFirst(6)) }.sorted()
        // Absent for virtual interfaces: "no device" is the documented meaning of nil.
        let driver = (try? fm.destinationOfSymbolicLink(atPath: dir + "/device/driver"))
            .flatMap { $0.split(separator: "/").last.map(String.init) }
        let flags = try attribute(name, "flags").flatMap(Self.parseFlags)
        return NetworkInterface(name: name, driver: driver, flags: flags, lowers: lowers)
    }

    /// The text of `<root>/class/net/<interface>/<file>` without its newline; nil when absent.
    public func attribute(_ interface: String, _ file: String) throws -> String? {
        let path = classNet + "/" + interface + "/" + file
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data: Data?
        do {
            data = try handle.read(upToCount: Self.maximumAttributeSize + 1)
        } catch {
            let ns = error as NSError
            let code = ns.domain == NSPOSIXErrorDomain ? Int32(truncatingIfNeeded: ns.code) : EIO
            throw ImageError("sysfs", .io(errno: code), "cannot read \(path): \(Self.reason(error))")
        }
        let bytes = data ?? Data()
        guard bytes.count <= Self.maximumAttributeSize else {
            throw ImageError("sysfs", .limitExceeded, "\(path) is longer than \(Self.maximumAttributeSize) bytes")
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `statistics/<name>` files of an interface (`rx_packets`, `tx_packets`, …), parsed; the
    /// kernel's totals (for `hv_netvsc` they include what went over the VF).
    public func statistics(of interface: String) throws -> [String: UInt64] {
        let dir = classNet + "/" + interface + "/statistics"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [:] }
        var out: [String: UInt64] = [:]
        for n in names.sorted().prefix(256) {
            guard let text = try attribute(interface, "statistics/" + n) else { continue }
            guard let v = UInt64(text) else {
                throw ImageError("sysfs", .corrupt, "\(dir)/\(n) holds '\(text.prefix(40))', not a counter")
            }
            out[n] = v
        }
        return out
    }

    /// `0x1003` → 4099; nil when not hexadecimal or wider than 32 bits.
    static func parseFlags(_ text: String) -> UInt32? {
        let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
        return UInt32(digits, radix: 16)
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
