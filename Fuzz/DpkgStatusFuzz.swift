// fuzz-modules: BlockIO Guest/Versions Guest/Dpkg/DpkgStatus.swift Guest/PackageDatabase.swift
// The dpkg status parser on arbitrary bytes. Module `Guest` is built from the version order, the
// status parser and `InstalledPackage` only (the parser reads no file; DpkgDatabase hands it bytes).
import Guest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Damage is recorded, never thrown: only a crash, a hang or an unbounded problem list is a finding.
    let status = DpkgStatus(bytes)
    guard status.problems.count <= DpkgStatus.maximumProblems else { fatalError("problem list not bounded") }
    for p in status.packages where p.name.isEmpty { fatalError("package without a name") }
    return 0
}
