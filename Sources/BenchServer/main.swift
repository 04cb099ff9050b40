import Foundation
import TestSupport

// imagegate-bench-server ROOT LATENCY_MS: nginx serving ROOT on 127.0.0.1 and, in front of it, the
// tests' FaultProxy adding LATENCY_MS to every request. Prints "<nginx port> <proxy port>" and
// serves until its standard input closes, then stops both (so nginx never outlives it).
// For `make bench-remote` (scripts/bench-remote.sh); not installed.
let arguments = CommandLine.arguments
guard arguments.count == 3, let latency = Int(arguments[2]), latency >= 0 else {
    FileHandle.standardError.write(Data("usage: imagegate-bench-server ROOT LATENCY_MS\n".utf8))
    exit(64)
}
// In a function, not at top level: top-level constants of main.swift are globals, never
// released, so NginxServer's deinit (which kills nginx) never ran and nginx outlived the bench.
func serve(root: String, latency: Int) throws {
    let server = try NginxServer(root: root)
    var faults = FaultProxy.Faults()
    faults.latency = .milliseconds(latency)
    let proxy = try FaultProxy(upstreamPort: server.port, faults: faults)
    FileHandle.standardOutput.write(Data("\(server.port) \(proxy.port)\n".utf8))
    while readLine() != nil {}
    withExtendedLifetime((server, proxy)) {}
}
try serve(root: arguments[1], latency: latency)
