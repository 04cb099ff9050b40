/// A small catalogue of common sizes shipped with the tool, for `--vm-size` without `--skus`.
///
/// Values as `az vm list-skus` reported them (vCPUs, vCPUsPerCore, AcceleratedNetworkingEnabled);
/// the date is shown in every finding that uses it, because sizes and capabilities change: pass
/// `--skus` with a fresh `az vm list-skus --output json` for an authoritative answer.
extension VMSizeCatalogue {
    public static let shippedDate = "2025-05-20"

    public static let shipped = VMSizeCatalogue(
        sizes: [
            // name, family, vCPUs, vCPUsPerCore, AcceleratedNetworkingEnabled
            ("Standard_A1_v2", "standardAv2Family", 1, 1, false),
            ("Standard_A2_v2", "standardAv2Family", 2, 1, false),
            ("Standard_B1s", "standardBSFamily", 1, 1, false),
            ("Standard_B2s", "standardBSFamily", 2, 1, false),
            ("Standard_B2ms", "standardBSFamily", 2, 1, false),
            ("Standard_DS1_v2", "standardDSv2Family", 1, 1, false),
            ("Standard_DS2_v2", "standardDSv2Family", 2, 1, true),
            ("Standard_DS3_v2", "standardDSv2Family", 4, 1, true),
            ("Standard_D2_v2", "standardDv2Family", 2, 1, true),
            ("Standard_D2s_v3", "standardDSv3Family", 2, 2, true),
            ("Standard_D4s_v3", "standardDSv3Family", 4, 2, true),
            ("Standard_D8s_v3", "standardDSv3Family", 8, 2, true),
            ("Standard_D2s_v5", "standardDSv5Family", 2, 2, true),
            ("Standard_D4s_v5", "standardDSv5Family", 4, 2, true),
            ("Standard_D8s_v5", "standardDSv5Family", 8, 2, true),
            ("Standard_D16s_v5", "standardDSv5Family", 16, 2, true),
            ("Standard_D2ds_v5", "standardDDSv5Family", 2, 2, true),
            ("Standard_D4ds_v5", "standardDDSv5Family", 4, 2, true),
            ("Standard_D2as_v5", "standardDASv5Family", 2, 2, true),
            ("Standard_D4as_v5", "standardDASv5Family", 4, 2, true),
            ("Standard_D2s_v6", "standardDSv6Family", 2, 2, true),
            ("Standard_D4s_v6", "standardDSv6Family", 4, 2, true),
            ("Standard_E2s_v5", "standardESv5Family", 2, 2, true),
            ("Standard_E4s_v5", "standardESv5Family", 4, 2, true),
            ("Standard_F2s_v2", "standardFSv2Family", 2, 2, true),
            ("Standard_F4s_v2", "standardFSv2Family", 4, 2, true),
            ("Standard_F8s_v2", "standardFSv2Family", 8, 2, true),
            ("Standard_NC6s_v3", "standardNCSv3Family", 6, 1, false),
            ("Standard_NC4as_T4_v3", "Standard NCASv3_T4 Family", 4, 1, true),
            ("Standard_NV12s_v3", "standardNVSv3Family", 12, 2, true),
            ("Standard_NV6ads_A10_v5", "StandardNVADSA10v5Family", 6, 2, true),
        ].map { VMSize(name: $0.0, family: $0.1, vCPUs: $0.2, vCPUsPerCore: $0.3, acceleratedNetworking: $0.4) },
        source: "the catalogue shipped with imagegate (\(shippedDate))")
}
