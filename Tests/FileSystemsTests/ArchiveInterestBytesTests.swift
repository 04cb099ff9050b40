import FileSystems
import Testing

/// `PathInterest` matches a plain ASCII path on its bytes and any other on its `Character`s: the
/// two give the same answers (each case is checked against the `Character` matcher of one
/// component, and a few against fixed answers across both).
@Suite struct ArchiveInterestBytesTests {
    static let patterns = [
        "*", "*.conf", "mlx*.ko", "initrd.img-*", "[a-c]?x", "[!a]", "[^a]*", "[]]", "[a-]", "[z-a]", "a[", "[", "?",
        "**x", "a*b*c", "*.[ch]", "x\\*",
    ]
    static let names = [
        "a", "b", "x", "ax", "bcx", "ddx", "]", "-", "[", "a[", "os.conf", ".conf", "mlx5_core.ko", "mlx.ko",
        "initrd.img-6.1.0", "abc", "aXbYc", "main.c", "main.o", "x\\yz", "\u{1F600}", "b\u{301}x", "über.conf",
    ]

    @Test func bytesAndCharactersAgreeOnEachComponent() {
        for pattern in Self.patterns {
            for name in Self.names {
                let one = PathInterest(["/etc/" + pattern])
                let expected = PathInterest.matches(component: name, pattern: pattern)
                #expect(one.matches("/etc/" + name) == expected, "\(name) against \(pattern)")
            }
        }
    }

    @Test func asciiAndOtherPathsMatchAcrossComponents() {
        let interest = PathInterest(["/usr/lib/modules/**/mlx*.ko", "/srv/ü*/?", "/*/lib/os-release", "/etc/**"])
        #expect(interest.matches("/usr/lib/modules/6.1/kernel/drivers/mlx5.ko"))
        #expect(interest.matches("/usr/lib/modules/mlx5.ko"))
        #expect(!interest.matches("/usr/lib/modules/6.1/mlx5.ko/x"))
        #expect(interest.matches("/srv/über/\u{1F600}"))
        #expect(!interest.matches("/srv/uber/a"))
        #expect(interest.matches("/opt/lib/os-release"))
        #expect(interest.matches("/etc"))
        #expect(interest.matches("/etc/ü/a\r\nb"))
        #expect(!interest.matches("/rootfs/etc/os-release"))
    }
}
