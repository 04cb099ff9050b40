import ArgumentParser
import Foundation
import ImageGate

struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat", abstract: "Write a guest file's bytes to standard output, unchanged.")

    @Argument(help: "The image or folder.", completion: .file())
    var image: String

    @Argument(
        help: "A regular file in the guest; symlinks are followed inside the guest (inside the volume with --volume).")
    var path: String

    @OptionGroup var options: ImageOptions

    @OptionGroup var volumeOption: VolumeOption

    /// Files are streamed in pieces so a large file never sits in memory whole.
    static let chunk = 4 << 20

    func run() throws {
        try withImage(image, options) { opened in
            let g = try volumeOption.select(opened)
            try g.read(path, chunkSize: Self.chunk) { FileHandle.standardOutput.write(Data($0)) }
        }
    }
}
