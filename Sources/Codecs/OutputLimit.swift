import BlockIO

/// How many bytes a compressed stream must give, stated by the format that stores it: the one
/// place where "too short" and "too long" are decided for every decoder in this target.
///
/// A decoder never writes more than `count + 1` bytes: the spare byte tells "fits exactly" from
/// "would go on", so a stream that inflates without end (a zip bomb) stops there.
public struct OutputLimit: Sendable, Equatable {
    /// What a stream that stops before its end marker (the last deflate block and its checksum,
    /// the end of the zstd frame) counts as, under `zeroFilled`.
    public enum CutOff: Sendable, Equatable {
        /// `.corrupt`: zlib's `uncompress`, as qemu reads a VMDK grain.
        case corrupt
        /// Read as far as it goes, then zero-filled like a short stream (what imagegate has
        /// always done for btrfs extents).
        case accepted
    }

    public enum Rule: Sendable, Equatable {
        /// Exactly `count` bytes: fewer is `.corrupt`. Once `count` bytes are out, the stream may
        /// stop without its end marker (qemu's `qcow2_decompress`: the compressed length is known
        /// only to the sector, so the input may end, or run on, past the stream).
        case exactly
        /// At most `count` bytes; the result is still `count` bytes, zeros past the stream's end.
        case zeroFilled(CutOff)
    }

    public let rule: Rule
    /// The size of the result, and the most a stream may give.
    public let count: Int
    /// The bound's name in errors: "the cluster size", "its ram_bytes".
    public let name: String
    /// The kind of the error for a stream that gives more than `count` bytes.
    public let overflow: ImageError.Kind

    /// Exactly `count` bytes (a qcow2 compressed cluster); too few or too many is `.corrupt`.
    public static func exactly(_ count: Int, named name: String) -> OutputLimit {
        OutputLimit(rule: .exactly, count: count, name: name, overflow: .corrupt)
    }

    /// At most `count` bytes, zero-filled to `count` (a VMDK grain, a btrfs extent's `ram_bytes`);
    /// more is an `overflow` error, a stream cut off before its end is what `cutOff` says.
    public static func zeroFilled(
        upTo count: Int, named name: String, cutOff: CutOff, overflow: ImageError.Kind = .corrupt
    ) -> OutputLimit {
        OutputLimit(rule: .zeroFilled(cutOff), count: count, name: name, overflow: overflow)
    }

    /// A zeroed buffer of `count + 1` bytes for a decoder to write into.
    func buffer(layer: String, at offset: UInt64?) throws -> [UInt8] {
        guard count >= 0, count < Int.max, count < Int(UInt32.max) else {
            throw ImageError(layer, .limitExceeded, "decompressed size \(count) out of range", at: offset)
        }
        return [UInt8](repeating: 0, count: count + 1)
    }

    /// Applies the rule to what a decoder wrote into `buffer` (from `buffer(layer:at:)`):
    /// `produced` bytes, `ended` when the stream reached its end marker.
    /// Returns the `count` bytes of the result (the rest of the buffer is still zeros).
    func finish(
        _ buffer: inout [UInt8], produced: Int, ended: Bool, what: String, layer: String, at offset: UInt64?
    ) throws -> [UInt8] {
        if produced > count {
            throw ImageError(layer, overflow, "\(what) inflates past \(name) of \(count) bytes", at: offset)
        }
        switch rule {
        case .exactly:
            guard produced == count else {
                throw ImageError(layer, .corrupt, "\(what) ends after \(produced) of \(count) bytes", at: offset)
            }
        case .zeroFilled(.corrupt):
            guard ended else {
                throw ImageError(
                    layer, .corrupt, "\(what) is cut off after \(produced) bytes, before the end of its stream",
                    at: offset)
            }
        case .zeroFilled(.accepted):
            break
        }
        buffer.removeLast()
        return buffer
    }
}
