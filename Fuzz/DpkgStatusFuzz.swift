// fuzz-modules: BlockIO Codecs FileSystems PackageDatabases
// The dpkg status parser on arbitrary bytes (it reads no file: DpkgDatabase hands it bytes).
import PackageDatabases

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Damage is recorded, never thrown: only a crash, a hang or an unbounded problem list is a finding.
    let status = DpkgStatus(bytes)
    guard status.problems.count <= DpkgStatus.maximumProblems else { fatalError("problem list not bounded") }
    for p in status.packages where p.name.isEmpty { fatalError("package without a name") }
    return 0
}
