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
            """
        let c = DriverInspector.parseConfig(text)
        #expect(c["CONFIG_HYPERV"] == "y")
        #expect(c["CONFIG_HYPERV_NET"] == "m")
        #expect(c["CONFIG_MLX5_CORE"] == nil)
        #expect(c["CONFIG_LOCALVERSION"] == "\"\"")
        #expect(c["CONFIG_CMDLINE"] == "\"a=b c\"")
        #expect(c.count == 4)
    }
}
