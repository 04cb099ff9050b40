import ImageGate
import Testing

/// What a mistyped `--vm-size` is told it may have meant.
@Suite struct VMSizeNearestTests {
    @Test func theNearestSizesComeFirstAlphabeticalAmongEquals() {
        #expect(
            VMSizeCatalogue.shipped.nearest(to: "Standard_D4s_v9") == [
                "Standard_D4s_v3", "Standard_D4s_v5", "Standard_D4s_v6",
            ])
        #expect(
            VMSizeCatalogue.shipped.nearest(to: "standard_d4S_V9", limit: 1) == ["Standard_D4s_v3"],
            "case does not count")
    }

    @Test func aWildGuessGetsNoSuggestion() {
        #expect(VMSizeCatalogue.shipped.nearest(to: "m5.large").isEmpty)
        #expect(VMSizeCatalogue.shipped.nearest(to: "").isEmpty)
    }

    @Test func theCatalogueInUseIsSearched() {
        let mine = VMSizeCatalogue(
            sizes: [VMSize(name: "Standard_L8s_v3"), VMSize(name: "Standard_L16s_v3")], source: "test")
        #expect(mine.nearest(to: "Standard_L8s_v2") == ["Standard_L8s_v3", "Standard_L16s_v3"])
        #expect(mine.nearest(to: "Standard_D4s_v9").allSatisfy { $0.hasPrefix("Standard_L") })
    }
}
