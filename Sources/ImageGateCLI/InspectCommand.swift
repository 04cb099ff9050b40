import ArgumentParser
import Foundation
import Guest

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what was found in the image as JSON: layout, root, mounts and facts.")

    @Argument(help: "The image (.vhd, .vhdx, .qcow2, .vmdk, .raw, .ova, a rootfs tarball) or a folder.")
    var image: String

    @OptionGroup var options: ImageOptions

    func run() throws {
        let data = try withImage(image, options) { g in
            try JSONOutput.encode(InspectOutput(layout: LayoutReport(g), osRelease: try OSRelease.read(g.tree)))
        }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

struct InspectOutput: Encodable {
    var layout: LayoutReport
    var osRelease: [String: String]?
}

/// The key/value pairs of the guest's os-release (`/etc/os-release`, else `/usr/lib/os-release`).
enum OSRelease {
    static func read(_ tree: GuestTree) throws -> [String: String]? {
        for p in ["/etc/os-release", "/usr/lib/os-release"] where try tree.attributes(p)?.type == .regular {
            var out: [String: String] = [:]
            for line in String(decoding: try tree.contents(of: p, limit: 64 << 10), as: UTF8.self).split(separator: "\n") {
                guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
                var v = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if v.count >= 2, v.first == "\"" || v.first == "'", v.last == v.first { v = String(v.dropFirst().dropLast()) }
                out[String(line[..<eq])] = v
            }
            return out
        }
        return nil
    }
}

enum JSONOutput {
    static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(value)
    }
}
