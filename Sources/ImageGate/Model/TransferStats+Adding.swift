import BlockIO

extension TransferStats {
    /// `self + other`, by name: ImageGate re-exports `TransferStats` alone (Exports.swift), and a
    /// scoped re-export carries the type but not its operators (Swift 6.3 finds `+` only through
    /// a whole-module import), so users of ImageGate sum with this.
    public func adding(_ other: TransferStats) -> TransferStats { self + other }
}
