/// Overflow-aware arithmetic for values read from an image.
///
/// Every helper throws `ImageError(.corrupt)` naming the layer and offset instead of trapping.
public enum Checked {
    public static func add(_ a: UInt64, _ b: UInt64, _ layer: String, at offset: UInt64? = nil) throws(ImageError)
        -> UInt64
    {
        let (v, o) = a.addingReportingOverflow(b)
        if o { throw ImageError(layer, .corrupt, "arithmetic overflow (\(a) + \(b))", at: offset) }
        return v
    }

    public static func mul(_ a: UInt64, _ b: UInt64, _ layer: String, at offset: UInt64? = nil) throws(ImageError)
        -> UInt64
    {
        let (v, o) = a.multipliedReportingOverflow(by: b)
        if o { throw ImageError(layer, .corrupt, "arithmetic overflow (\(a) * \(b))", at: offset) }
        return v
    }

    /// Converts an on-disk value to `Int`, refusing values above `limit` (an allocation or loop cap).
    public static func int(_ v: UInt64, limit: Int, _ what: String, _ layer: String, at offset: UInt64? = nil)
        throws(ImageError) -> Int
    {
        guard let i = Int(exactly: v), i <= limit else {
            throw ImageError(layer, .limitExceeded, "\(what) \(v) exceeds the limit of \(limit)", at: offset)
        }
        return i
    }
}
