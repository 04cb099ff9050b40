import Testing

@testable import Guest

@Suite struct KernelConfigParsingTests {
    @Test func symbolsValuesAndSkippedLines() {
        let text = """
            #
            # Automatically generated file; DO NOT EDIT.
            CONFIG_HYPERV=y
            CONFIG_HYPERV_NET=m\r
            # CONFIG_MLX5_CORE is not set
              CONFIG_LOCALVERSION=""\t
            CONFIG_
            NOT_CONFIG=y
            CONFIG_CMDLINE="a=b c"
            CONFIG_NOT_ASKED=y
            """
        let asked: Set = [
            "CONFIG_HYPERV", "CONFIG_HYPERV_NET", "CONFIG_MLX5_CORE", "CONFIG_LOCALVERSION", "CONFIG_CMDLINE",
            "CONFIG_",
        ]
        let c = DriverInspector.parseConfig(text, symbols: asked)
        #expect(c["CONFIG_HYPERV"] == "y")
        #expect(c["CONFIG_HYPERV_NET"] == "m")
        #expect(c["CONFIG_MLX5_CORE"] == nil)
        #expect(c["CONFIG_LOCALVERSION"] == "\"\"")
        #expect(c["CONFIG_CMDLINE"] == "\"a=b c\"")
        #expect(c["CONFIG_NOT_ASKED"] == nil)
        #expect(c.count == 4)
    }
}

/// The byte-wise module name and last path component give what the character-wise ones gave.
@Suite struct ModuleNameTests {
    @Test(arguments: [
        "pci-hyperv.ko.xz", "mana.ko", "hv_netvsc.ko.zst", "mlx5-core.ko.gz", ".ko", "a.ko", "x.ko.bz2", "README",
        "é-x.ko", "ko", "",
    ])
    func moduleNameAsBefore(_ file: String) {
        var expected: String?
        for suffix in DriverInspector.moduleSuffixes where file.hasSuffix(suffix) && file.count > suffix.count {
            expected = String(String(file.dropLast(suffix.count)).map { $0 == "-" ? "_" : $0 })
            break
        }
        #expect(DriverInspector.moduleName(file) == expected)
    }

    @Test(arguments: ["kernel/drivers/net/hyperv/hv_netvsc.ko", "a/b/", "noslash", "/", "///", "", "/lead", "x//y//"])
    func lastPathComponentAsSplit(_ line: String) {
        #expect(line.lastPathComponent == String(line.split(separator: "/").last ?? ""))
    }
}
