/// The requirements of a profile, in report order.
public struct Profile: Sendable {
    public let name: String
    public let requirements: [Requirement]

    /// The only profile today: Microsoft's Accelerated Networking overview, checked offline.
    public static let azureAcceleratedNetworking = Profile(
        name: "azure-accelerated-networking",
        requirements: [
            .kernel, .drivers, .cloudInit, .azureVMUtils, .udevRule, .networkManagers, .networkdUnmanaged,
            .syntheticBinding, .cloudInitAzure, .initramfsRule, .vmSize, .vfTraffic, .nmManagedOverride, .rpFilter,
        ])

    public static let all = [azureAcceleratedNetworking]

    public static func named(_ name: String) -> Profile? { all.first { $0.name == name } }
}

extension Requirement {
    /// Every requirement of every profile (ids are unique and never change).
    public static var catalog: [Requirement] { Profile.azureAcceleratedNetworking.requirements }
}

/// What the profile cannot check from an image at all, listed by `imagegate requirements`.
public enum OutOfScope {
    public static let items: [(topic: String, reason: String)] = [
        ("Enabling Accelerated Networking on a stopped VM or its NIC", "a property of the Azure resource, not of the image"),
        ("Classic (ASM) deployments", "a deployment model, not part of the image"),
        ("Region availability", "decided by Azure at deployment time"),
        (
            "Whether the NIC driver is current with the distribution's latest kernel",
            "needs the distribution's live package index; the image only shows what is installed"
        ),
    ]
}
