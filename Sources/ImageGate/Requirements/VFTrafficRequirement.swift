import Guest
import LiveNetwork

extension Requirement {
    /// Decided on a live system only, from the sample `CheckContext.liveNetwork` holds.
    ///
    /// Decisions where REQUIREMENTS.md is silent: a sample in which neither path carried a packet
    /// is a `skip` (an idle VM proves nothing either way), as is a path whose counters could not be
    /// read; a warning on any path outranks a skip on another, and `pass` needs every path to pass.
    static let vfTraffic = Requirement(
        id: "vf-traffic", title: "Traffic flows over the VF (live systems only)", severity: .should,
        expected: "a VF bonded to the synthetic interface whose counters grow",
        reference: source("Network traffic uses the Accelerated Networking data path"),
        remediation: "Boot the image on an Accelerated Networking VM and check `ethtool -S eth0 | grep vf_`.",
        offlineLimit: "needs a running VM: the VF only exists when Azure attaches it"
    ) { ctx in
        guard ctx.live, let net = ctx.liveNetwork else {
            return Outcome(
                .skip, found: "image",
                summary:
                    "Needs a running VM: the VF exists only when Azure attaches it (run `imagegate check / --live` on the VM)."
            )
        }
        var evidence: [Evidence] = [.path(net.sysfsRoot + "/class/net")]
        if let reason = net.unreadable {
            return Outcome(
                .skip, found: "interfaces unreadable", evidence: evidence,
                summary: "Cannot list the network interfaces: \(reason).")
        }
        guard !net.paths.isEmpty else {
            let listed = net.interfaces.map { i in
                i.label + (i.lowers.isEmpty ? "" : " with lower \(i.lowers.joined(separator: ", "))")
            }
            let uppers = net.interfaces.filter { !$0.lowers.isEmpty && $0.driver != NetworkInterface.syntheticDriver }
            var summary =
                "No VF is bonded to a synthetic interface: no \(NetworkInterface.syntheticDriver) interface has a lower_* entry whose flags have 0x800 (IFF_SLAVE); Accelerated Networking is off for this NIC, or this is not an Azure VM."
            if !uppers.isEmpty {
                summary +=
                    " \(uppers.map(\.label).joined(separator: ", ")) has lower devices but is not a synthetic NIC."
            }
            return Outcome(
                .skip, found: "no VF: " + (listed.isEmpty ? "no interfaces" : listed.joined(separator: "; ")),
                evidence: evidence,
                summary: summary)
        }
        let seconds = Double(net.sampleMilliseconds) / 1000
        let span = "\((seconds * 10).rounded() / 10) s"
        var lines: [String] = []
        var passed: [String] = []
        var syntheticOnly: [String] = []
        var undecided: [String] = []
        for p in net.paths {
            evidence.append(.path("\(net.sysfsRoot)/class/net/\(p.synthetic)/lower_\(p.vf.name)"))
            evidence += p.readings.map { Evidence.structure($0) }
            let flags = p.vf.flags.map { "flags 0x" + String($0, radix: 16) } ?? "flags unknown"
            var parts: [String] = []
            if let v = p.vfPackets { parts.append("vf_rx_packets+vf_tx_packets +\(v)") }
            if let v = p.vfOwnPackets { parts.append("\(p.vf.name) rx+tx +\(v)") }
            if let v = p.syntheticPackets { parts.append("synthetic path +\(v)") }
            if let problem = p.problem { parts.append(problem) }
            let pair = "\(p.synthetic) -> \(p.vf.name) (\(p.vf.driver ?? "no driver"), \(flags))"
            lines.append("\(pair): " + (parts.isEmpty ? "no counters" : parts.joined(separator: ", ")) + " in \(span)")
            if p.vfGrew {
                passed.append(p.synthetic)
            } else if (p.syntheticPackets ?? 0) > 0 {
                syntheticOnly.append(p.synthetic)
            } else {
                undecided.append(p.synthetic)
            }
        }
        let found = lines.joined(separator: "; ")
        if !syntheticOnly.isEmpty {
            return Outcome(
                .warn, found: found, evidence: evidence,
                summary:
                    "Only the synthetic path carried traffic on \(syntheticOnly.joined(separator: ", ")) during \(span): the VF is bonded but unused.",
                remediation:
                    "Check that the VF's driver is loaded and its link is up (`ip link show \(net.paths.map(\.vf.name).joined(separator: " "))`), that nothing manages the VF itself (the udev rule's NM_UNMANAGED), and that the VM's NIC has Accelerated Networking enabled."
            )
        }
        if !undecided.isEmpty {
            return Outcome(
                .skip, found: found, evidence: evidence,
                summary:
                    "No counter grew on \(undecided.joined(separator: ", ")) during \(span) (an idle NIC or unreadable counters): rerun with traffic or a longer --sample."
            )
        }
        return Outcome(
            .pass, found: found, evidence: evidence,
            summary: "VF counters grew on \(passed.joined(separator: ", ")) during \(span).")
    }
}
