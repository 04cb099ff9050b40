/// The refusal of a file an image names outside its own folder (a backing file, parent, extent,
/// an OVA's disk, a qcow2 data file): one wording for all, each ending with what
/// `--allow-external-files` does about it, so that a user learns the flag exists where it helps
/// and is not sent to it where it does not (issue 10 counted nine refusals that never said).
public enum ExternalFileRefusal {
    /// The end of a refusal that the flag lifts.
    public static let hint = "(use --allow-external-files)"
    /// The end of a refusal that stands with the flag too (what imagegate never reads).
    public static let standingHint = "(not read even with --allow-external-files)"

    /// `.unsupported` in `layer` at `offset`: `detail`, then `hint`, or `standingHint` when
    /// `flagLiftsIt` is false.
    public static func error(_ detail: String, layer: String, at offset: UInt64?, flagLiftsIt: Bool = true)
        -> ImageError
    {
        ImageError(layer, .unsupported, detail + " " + (flagLiftsIt ? hint : standingHint), at: offset)
    }
}
