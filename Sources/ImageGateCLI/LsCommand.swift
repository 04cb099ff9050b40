import ArgumentParser
import Foundation
import ImageGate

struct LsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List a directory of the guest, offline (one name a line, sorted).")

    @Argument(help: "The image or folder.", completion: .file())
    var image: String

    @Argument(help: "A path in the guest; symlinks are followed inside the guest (inside the volume with --volume).")
    var path: String = "/"

    @Flag(name: .short, help: "Long format: type and mode, size, name and link target.")
    var long = false

    @OptionGroup var options: ImageOptions

    @OptionGroup var volumeOption: VolumeOption

    func run() throws {
        var damaged: [GuestEntry] = []
        let text = try withImage(image, options) { opened in
            let g = try volumeOption.select(opened)
            guard long else { return try g.names(inDirectory: path).map { $0 + "\n" }.joined() }
            let entries = try g.entries(inDirectory: path)
            damaged = entries.filter { $0.problem != nil }
            return entries.map { e in
                guard let d = e.details else { return "? \(e.name)\n" }
                var line = "\(d.typeLetter)\(modeString(d.permissions)) \(d.size) \(e.name)"
                if let target = d.linkTarget { line += " -> " + target }
                return line + "\n"
            }.joined()
        }
        FileHandle.standardOutput.write(Data(text.utf8))
        // The rest is listed; each damaged entry is named on stderr and the exit code says so.
        for e in damaged { printError("imagegate: error: \(e.problem?.description ?? "unreadable") (entry \(e.name))") }
        if !damaged.isEmpty { throw ExitCode(ExitStatus.unreadable) }
    }
}

/// `rwxr-xr-x` from permission bits, with setuid/setgid/sticky as `ls` shows them.
func modeString(_ p: UInt16) -> String {
    var s = ""
    let bits: [(UInt16, Character)] = [
        (0o400, "r"), (0o200, "w"), (0o100, "x"), (0o40, "r"), (0o20, "w"), (0o10, "x"), (0o4, "r"), (0o2, "w"),
        (0o1, "x"),
    ]
    for (bit, c) in bits { s.append(p & bit != 0 ? c : "-") }
    var chars = Array(s)
    if p & 0o4000 != 0 { chars[2] = chars[2] == "x" ? "s" : "S" }
    if p & 0o2000 != 0 { chars[5] = chars[5] == "x" ? "s" : "S" }
    if p & 0o1000 != 0 { chars[8] = chars[8] == "x" ? "t" : "T" }
    return String(chars)
}
