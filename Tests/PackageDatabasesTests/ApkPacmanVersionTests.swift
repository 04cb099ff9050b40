import PackageDatabases
import Testing

/// Orders from the apk-tools and pacman rules (each pair: a < b), checked both ways.
@Suite struct ApkPacmanVersionTests {
    static let apk: [(String, String)] = [
        ("1.0", "1.1"), ("1.9", "1.10"), ("1.0", "1.0.1"), ("1.0", "1.0a"), ("1.0a", "1.0b"),
        ("1.0_alpha", "1.0_beta"), ("1.0_beta", "1.0_pre"), ("1.0_pre", "1.0_rc"), ("1.0_rc1", "1.0"),
        ("1.0_rc1", "1.0_rc2"), ("1.0", "1.0_git20240101"), ("1.0_git1", "1.0_p1"), ("1.0", "1.0-r1"),
        ("1.0-r1", "1.0-r10"), ("23.1.2-r0", "23.2-r0"), ("0.5.2-r1", "0.6.0-r0"), ("1.01", "1.1"),
        ("1.1", "1.10"), ("6.6.32-r0", "6.12.1-r0"), ("1.0", "not-a-version"),
    ]
    static let pacman: [(String, String)] = [
        ("1.0", "1.1"), ("1.9", "1.10"), ("1.0a", "1.0"), ("1.0", "1.0.1"), ("1.0alpha", "1.0beta"),
        ("1.0-1", "1.0-2"), ("1:0.1-1", "2:0.0-1"), ("9.9-1", "1:0.1-1"), ("23.1.2-1", "23.2-1"),
        ("0.5.2-1", "0.6.0-1"), ("1.0.1", "1.0..1"), ("6.6.32.arch1-1", "6.12.1.arch1-1"),
    ]

    @Test func apkOrder() {
        for (a, b) in Self.apk {
            #expect(ApkVersion.compare(a, b) == -1, "\(a) < \(b)")
            #expect(ApkVersion.compare(b, a) == 1, "\(b) > \(a)")
            #expect(ApkVersion.compare(a, a) == 0)
        }
        #expect(ApkVersion.compare("1.0-r0", "1.0") == 0)
        #expect(ApkVersion("1.0_foo").isValid == false)
    }

    @Test func pacmanOrder() {
        for (a, b) in Self.pacman {
            #expect(PacmanVersion.compare(a, b) == -1, "\(a) < \(b)")
            #expect(PacmanVersion.compare(b, a) == 1, "\(b) > \(a)")
        }
        // The release counts only when both have one; a missing epoch is 0.
        #expect(PacmanVersion.compare("1.0", "1.0-5") == 0)
        #expect(PacmanVersion.compare("0:1.0-1", "1.0-1") == 0)
    }
}
