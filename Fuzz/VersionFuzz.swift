// fuzz-modules: BlockIO PackageDatabases/Versions
// dpkg and rpm version ordering and the numeric kernel release on arbitrary strings. Module
// `PackageDatabases` is built from its Versions folder only (the orders need nothing else). Checks the
// properties an order must have: antisymmetry and reflexivity (a crash or a violation is a finding).
import PackageDatabases

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0x0A) ?? bytes.count / 2
    let a = String(decoding: bytes[..<split], as: UTF8.self)
    let b = String(decoding: bytes[min(split + 1, bytes.count)...], as: UTF8.self)
    guard DpkgVersion.compare(a, b) == -DpkgVersion.compare(b, a), DpkgVersion.compare(a, a) == 0 else {
        fatalError("dpkg order is not antisymmetric for '\(a)' '\(b)'")
    }
    guard RPMVersion.compare(a, b) == -RPMVersion.compare(b, a), RPMVersion.compare(a, a) == 0 else {
        fatalError("rpm order is not antisymmetric for '\(a)' '\(b)'")
    }
    guard RPMVersion.vercmp(a, b) == -RPMVersion.vercmp(b, a) else {
        fatalError("rpmvercmp is not antisymmetric for '\(a)' '\(b)'")
    }
    if let x = KernelRelease(a), let y = KernelRelease(b), KernelRelease.compare(x, y) != -KernelRelease.compare(y, x) {
        fatalError("kernel release order is not antisymmetric for '\(a)' '\(b)'")
    }
    return 0
}
