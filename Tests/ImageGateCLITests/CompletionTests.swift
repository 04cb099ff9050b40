import Foundation
import TestSupport
import Testing

/// The completion scripts `make install` ships: bash is run for real (its completion function on
/// a synthetic command line in a folder of files); zsh and fish, not installed here, are checked
/// for the file completion of the same arguments.
@Suite struct CompletionTests {
    static func script(_ shell: String) throws -> String {
        let r = try CLI.run(["--generate-completion-script", shell])
        #expect(r.status == 0, "\(r.stderr)")
        return String(decoding: r.stdout, as: UTF8.self)
    }

    /// What bash offers for `line` (the last word is being completed) in `directory`.
    static func bash(_ line: String, script: String, in directory: String) throws -> Set<String> {
        let harness = """
            source "$1"; cd "$2"
            read -ra COMP_WORDS <<<"$3"; [[ "$3" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$3"; COMP_POINT=${#3}
            _imagegate imagegate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = try Tools.run(["bash", "-c", harness, "_", script, directory, line])
        return Set(r.stdout.split(separator: "\n").map(String.init))
    }

    @Test func bashCompletesImagesOutputSkusAndWithDisk() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("imagegate-completion-\(UUID())").path
        try fm.createDirectory(atPath: dir + "/images", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        for name in ["disk.qcow2", "data.vhd", "skus.json", "notes.txt"] {
            #expect(fm.createFile(atPath: dir + "/" + name, contents: nil))
        }
        let script = try Tools.temporaryFile(Data(try Self.script("bash").utf8), suffix: ".bash")
        defer { try? fm.removeItem(atPath: script) }

        #expect(try Self.bash("imagegate check d", script: script, in: dir) == ["disk.qcow2", "data.vhd"])
        #expect(try Self.bash("imagegate check -o n", script: script, in: dir) == ["notes.txt"])
        #expect(try Self.bash("imagegate check --output n", script: script, in: dir) == ["notes.txt"])
        #expect(
            try Self.bash("imagegate check --skus ", script: script, in: dir) == ["skus.json", "images"],
            "JSON files and folders")
        #expect(try Self.bash("imagegate check disk.qcow2 --with-disk da", script: script, in: dir) == ["data.vhd"])
        #expect(try Self.bash("imagegate inspect i", script: script, in: dir) == ["images"])
        #expect(try Self.bash("imagegate ls d", script: script, in: dir) == ["disk.qcow2", "data.vhd"])
        #expect(try Self.bash("imagegate check --format s", script: script, in: dir) == ["sarif"])
        #expect(try Self.bash("imagegate check --color a", script: script, in: dir) == ["auto", "always"])
        #expect(
            try Self.bash("imagegate check --vm-size Standard_D4s_v", script: script, in: dir) == [
                "Standard_D4s_v3", "Standard_D4s_v5", "Standard_D4s_v6",
            ])
    }

    @Test func zshAndFishCompleteTheSameArgumentsWithFiles() throws {
        let zsh = try Self.script("zsh")
        #expect(zsh.contains("'*:images:_files'"))
        #expect(zsh.contains("{--output,-o}'[Write the report to FILE instead of standard output.]:FILE:_files'"))
        #expect(zsh.contains(":FILE:_files -g '\\''*.json'\\''"), "--skus: JSON files")
        #expect(zsh.contains("'*--with-disk[") && zsh.contains("Repeatable.]:FILE:_files'"))
        let fish = try Self.script("fish")
        #expect(fish.contains("-l 'with-disk'") && fish.contains("Repeatable.' -rF"))
        #expect(fish.contains("-l 'output' -s 'o' -d 'Write the report to FILE instead of standard output.' -rF"))
    }
}
