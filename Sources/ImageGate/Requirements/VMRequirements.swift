import Guest

extension Requirement {
    static let vmSize = Requirement(
        id: "vm-size", title: "The target VM size supports Accelerated Networking", severity: .must,
        expected: "AcceleratedNetworkingEnabled, not NC/NV, at least 2 vCPUs (4 with hyperthreading)",
        reference: source("Supported VM instances") + ", the NC/NV note",
        remediation:
            "Choose a VM size with Accelerated Networking: 2 or more vCPUs (4 or more where vCPUsPerCore > 1), not in the NC or NV families."
    ) { ctx in
        guard let name = ctx.vmSize else {
            return Outcome(
                .skip, found: "no --vm-size", summary: "No target VM size given (--vm-size Standard_D4s_v5).")
        }
        let src = Evidence.structure(ctx.vmSizes.source)
        guard let s = ctx.vmSizes.size(named: name) else {
            return Outcome(
                .skip, found: "\(name) not in \(ctx.vmSizes.source)", evidence: [src],
                summary:
                    "\(name) is not in \(ctx.vmSizes.source); pass --skus with the output of az vm list-skus --output json."
            )
        }
        var problems: [String] = []
        let lower = s.name.lowercased()
        if lower.hasPrefix("standard_nc") || lower.hasPrefix("standard_nv") {
            problems.append("\(s.name) is in the NC/NV families")
        }
        if s.acceleratedNetworking == false { problems.append("AcceleratedNetworkingEnabled is False") }
        let minimum = (s.vCPUsPerCore ?? 1) > 1 ? 4 : 2
        if let v = s.vCPUs, v < minimum {
            problems.append("\(v) vCPUs, fewer than \(minimum)" + (minimum == 4 ? " (hyperthreaded)" : ""))
        }
        let found =
            "\(s.name): \(s.vCPUs.map(String.init) ?? "?") vCPUs, vCPUsPerCore \(s.vCPUsPerCore.map(String.init) ?? "?"), AcceleratedNetworkingEnabled \(s.acceleratedNetworking.map { $0 ? "True" : "False" } ?? "unknown") (\(ctx.vmSizes.source))"
        if !problems.isEmpty {
            return Outcome(.fail, found: found, evidence: [src], summary: problems.joined(separator: "; ") + ".")
        }
        return Outcome(.pass, found: found, evidence: [src], summary: "\(s.name) supports Accelerated Networking.")
    }
}
