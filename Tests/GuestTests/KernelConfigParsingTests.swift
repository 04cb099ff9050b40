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
