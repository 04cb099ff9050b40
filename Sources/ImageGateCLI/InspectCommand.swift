import ArgumentParser
import Foundation
import ImageGate

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what was found in the image as JSON: layout, root, mounts and facts.",
        discussion:
            "An image with no guest root (a data disk, a bare file system) still lists its volumes and what each holds, with no facts; 'ls' and 'cat' read one with --volume NAME."
    )

    @Argument(
        help: "The image (.vhd, .vhdx, .qcow2, .vmdk, .raw, .ova, a rootfs tarball) or a folder.", completion: .file())
    var image: String

    @OptionGroup var options: ImageOptions

    func run() throws {
        let data = try withImage(image, options) { g in
            try JSONOutput.encode(g.inspect())
        }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

enum JSONOutput {
    static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(value)
    }
}
