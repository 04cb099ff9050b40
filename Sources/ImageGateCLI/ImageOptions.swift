import ArgumentParser
import ImageGate

/// Options every command that opens an image shares.
struct ImageOptions: ParsableArguments {
    @Flag(
        help:
            "Allow backing files, parent disks and extents outside the image's folder (refused by default, so a hostile image cannot make imagegate read host files)."
    )
    var allowExternalFiles = false

    @Option(
        help: ArgumentHelp(
            "Which root to check when the image has several: a volume name ('partition 2', 'lv rhel/root'), a device path or a file system UUID or label.",
            valueName: "ROOT"))
    var root: String?

    @Flag(
        help:
            "Print 'stats: <bytes> bytes in <reads> reads, <seconds> s' to stderr: what was read from the image files, all layers included."
    )
    var stats = false

    @Option(
        name: .customLong("with-disk"),
        help: ArgumentHelp(
            "Another disk of the same machine, read together with the image (an LVM volume group spanning several image files). Repeatable.",
            valueName: "FILE"), completion: .file())
    var extraDisks: [String] = []

    @Option(
        name: .customLong("disk"),
        help: ArgumentHelp("Which disk of an OVA to read (1 is the first the OVF lists).", valueName: "N"))
    var diskNumber: Int = 1

    @OptionGroup var remote: RemoteImageOptions

    func validate() throws {
        if diskNumber < 1 { throw ValidationError("--disk counts from 1") }
    }

    var openOptions: OpenOptions {
        var o = OpenOptions(
            allowExternalFiles: allowExternalFiles, root: root, extraDisks: extraDisks, diskIndex: diskNumber - 1)
        o.caCertFile = remote.caCert
        return o
    }
}
