import ArgumentParser
import ImageGate

/// `--volume` of `ls` and `cat`: read one volume's file system directly, for images with no guest
/// root (a data disk, a bare file system) or to look past the guest's mounts.
struct VolumeOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read this volume's file system directly, with paths inside it, root or not (a name 'inspect' prints: 'partition 2', 'lv vg/data', 'whole disk'). Needed for an image with no guest root.",
            valueName: "NAME"))
    var volume: String?

    /// The image as paths resolve in it: the guest tree, or the chosen volume's file system.
    /// A name no readable volume has is a usage error (exit 64) listing the names; an image with
    /// no root and no `--volume` is unreadable as a guest (exit 2), and the error says `--volume`
    /// exists and which names it takes.
    func select(_ g: OpenedImage) throws -> OpenedImage {
        let names = g.readableVolumes.map { "'\($0)'" }.joined(separator: ", ")
        guard let volume else {
            guard let e = g.rootless else { return g }
            throw ImageError(
                e.layer, e.kind, e.detail + "; read a volume's file system with --volume NAME: \(names)", at: e.offset)
        }
        do {
            return try g.volume(volume)
        } catch let e as ImageError where e.layer == "guest" {
            // A volume that exists but holds nothing we read says why (swap, LUKS, …).
            let what = e.kind == .notFound ? "no volume is named '\(volume)'" : e.detail
            throw ValidationError("--volume: \(what); the volumes with a readable file system: \(names)")
        }
    }
}
