import ArgumentParser
import Foundation
import BlockIO
import Guest

struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat", abstract: "Write a guest file's bytes to standard output, unchanged.")

    @Argument(help: "The image or folder.", completion: .file())
    var image: String

    @Argument(help: "A regular file in the guest; symlinks are followed inside the guest.")
    var path: String

    @OptionGroup var options: ImageOptions

    /// Files are streamed in pieces so a large file never sits in memory whole.
    static let chunk = 4 << 20

    func run() throws {
        try withImage(image, options) { g in
            guard let r = try g.tree.resolve(path) else {
                throw ImageError("guest", .notFound, "no such file: \(path)")
            }
            guard r.attributes.type == .regular else { throw ImageError("guest", .unsupported, "\(path) is not a regular file") }
            var offset: UInt64 = 0
            while offset < r.attributes.size {
                let n = Int(min(UInt64(Self.chunk), r.attributes.size - offset))
                let bytes = try r.mount.fileSystem.read(r.path, at: offset, count: n)
                guard !bytes.isEmpty else { break }
                FileHandle.standardOutput.write(Data(bytes))
                offset += UInt64(bytes.count)
            }
        }
    }
}
