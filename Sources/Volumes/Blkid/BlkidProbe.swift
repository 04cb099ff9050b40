import BlockIO
import CBlkid

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Identifies what a volume holds (file system, swap, LUKS, RAID or LVM member…) with libblkid's
/// superblock probes: TYPE, UUID, LABEL and VERSION, as `blkid -p` prints them.
///
/// libblkid reads from a file descriptor, so:
/// - a raw image (`FileDevice`, or slices of one, possibly behind `CountingDevice`s) is probed
///   **in place**, with the volume's offset and size (`blkid_probe_set_device`), reading only what
///   libblkid asks for; the bytes it reads are measured (`ThreadReadMeter`) and recorded in each
///   `ReadCounter` on the way, so `--stats` stays exact (when they cannot be measured, a counted
///   device takes the memfd path below instead);
/// - any other device (a qcow2/VHD/VMDK volume, an LV over several PVs) is probed through a sparse
///   `memfd` file of the device's size into which only two windows are copied: the first and the
///   last `windowBytes` (1 MiB each). Every superblock libblkid knows for Linux volumes lies there:
///   ext2/3/4 (1 KiB), XFS (0), btrfs primary (64 KiB; blkid never reads the mirrors at 64 MiB/256 GiB),
///   FAT/exFAT (0), swap (the last bytes of the first page, ≤ 64 KiB pages), LUKS1/LUKS2 (0; LUKS2's
///   secondary headers at 16 KiB…1 MiB), LVM2 label (sectors 0–3), bcache (4 KiB), md RAID 1.1/1.2
///   (0, 4 KiB) and 0.90/1.0 (the last 64–128 KiB), ZFS labels L0/L1 (0, 256 KiB) and L2/L3 (the last
///   512 KiB), ISO 9660/UDF (32 KiB…), VDO, Stratis. NTFS's $MFT label lookup may fall outside
///   and would then go unnamed (not a Linux root).
public enum BlkidProbe {
    /// Size of each copied window when a device is probed through a memfd.
    public static let windowBytes: UInt64 = 1 << 20

    /// What libblkid said.
    public enum Outcome: Sendable, Equatable {
        case identified(VolumeContent)
        /// No known signature.
        case nothing
        /// Several signatures that exclude each other (libblkid refuses to choose).
        case ambivalent
        /// No superblock, but a partition table libblkid knows (its PTTYPE: `sun`, `sgi`, `atari`,
        /// `bsd`…). MBR and GPT are read before libblkid is asked, so this is one we do not read.
        case partitionTable(String)
    }

    /// Probes `device`. Throws `ImageError` (layer `blkid`) when the device cannot be read or
    /// libblkid fails for another reason than "nothing found".
    public static func identify(_ device: any BlockDevice) throws -> Outcome {
        guard device.size > 0 else { return .nothing }
        if let window = fileWindow(of: device), window.counters.isEmpty || ThreadReadMeter.isAvailable {
            let (outcome, bytes) = try ThreadReadMeter.measure {
                try probe(fd: window.file.fileDescriptor, offset: window.offset, size: device.size)
            }
            for counter in window.counters { counter.record(Int(clamping: bytes ?? 0)) }
            return outcome
        }
        let fd = imagegate_memfd_create("imagegate-blkid")
        guard fd >= 0 else { throw ImageError("blkid", .io(errno: errno), "memfd_create failed") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(device.size)) == 0 else {
            throw ImageError("blkid", .io(errno: errno), "cannot size a memfd to \(device.size) bytes")
        }
        for (start, count) in windows(size: device.size) {
            try copy(device, from: start, count: count, to: fd)
        }
        return try probe(fd: fd, offset: 0, size: device.size)
    }

    /// The byte ranges copied for a device of `size` bytes: the first and last `windowBytes`, merged when they touch.
    static func windows(size: UInt64) -> [(UInt64, UInt64)] {
        let head = min(size, windowBytes)
        let tailStart = size > windowBytes ? size - windowBytes : 0
        if tailStart <= head { return size == 0 ? [] : [(UInt64(0), size)] }
        return [(UInt64(0), head), (tailStart, size - tailStart)]
    }

    /// The host file and offset behind `device` when it is a `FileDevice` seen through slices and
    /// counting wrappers only, with the counters met on the way.
    private static func fileWindow(of device: any BlockDevice) -> (
        file: FileDevice, offset: UInt64, counters: [ReadCounter]
    )? {
        var current: any BlockDevice = device
        var offset: UInt64 = 0
        var counters: [ReadCounter] = []
        for _ in 0..<16 {
            if let f = current as? FileDevice { return (f, offset, counters) }
            if let s = current as? SliceDevice {
                offset += s.start
                current = s.base
            } else if let c = current as? CountingDevice {
                counters.append(c.counter)
                current = c.base
            } else {
                return nil
            }
        }
        return nil
    }

    private static func copy(_ device: any BlockDevice, from start: UInt64, count: UInt64, to fd: Int32) throws {
        let chunk: UInt64 = 1 << 20
        var done: UInt64 = 0
        while done < count {
            let n = Int(min(chunk, count - done))
            let bytes = try device.read(at: start + done, count: n, layer: "blkid")
            var written = 0
            while written < n {
                // Safe: `bytes` has n elements and we pass at most n - written from `written`.
                let w = bytes.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }
                    return pwrite(fd, base + written, n - written, off_t(start + done) + off_t(written))
                }
                if w < 0, errno == EINTR { continue }
                guard w > 0 else { throw ImageError("blkid", .io(errno: errno), "cannot fill the probe memfd") }
                written += w
            }
            done += UInt64(n)
        }
    }

    private static let flagLabel: Int32 = 1 << 1
    private static let flagUUID: Int32 = 1 << 3
    private static let flagType: Int32 = 1 << 5
    private static let flagVersion: Int32 = 1 << 8

    /// The corresponding C functions are `blkid_probe_set_device`, `blkid_do_safeprobe` and
    /// `blkid_probe_lookup_value`.
    private static func probe(fd: Int32, offset: UInt64, size: UInt64) throws -> Outcome {
        guard let pr = blkid_new_probe() else { throw ImageError("blkid", .io(errno: ENOMEM), "cannot create a probe") }
        defer { blkid_free_probe(pr) }
        guard let off = Int64(exactly: offset), let len = Int64(exactly: size),
            blkid_probe_set_device(pr, fd, off, len) == 0
        else {
            throw ImageError("blkid", .io(errno: errno), "cannot probe \(size) bytes at \(offset)", at: offset)
        }
        blkid_probe_enable_partitions(pr, 0)
        blkid_probe_enable_superblocks(pr, 1)
        blkid_probe_set_superblocks_flags(pr, flagLabel | flagUUID | flagType | flagVersion)
        switch blkid_do_safeprobe(pr) {
        case 0: break
        case 1: return try partitionTableType(fd: fd, offset: off, size: len).map { .partitionTable($0) } ?? .nothing
        case -2: return .ambivalent
        default: throw ImageError("blkid", .io(errno: errno), "probe failed", at: offset)
        }
        func value(_ name: String) -> String? {
            var data: UnsafePointer<CChar>? = nil
            var length = 0
            guard blkid_probe_lookup_value(pr, name, &data, &length) == 0, let data else { return nil }
            return String(cString: data)
        }
        return .identified(
            VolumeContent(
                type: value("TYPE"), uuid: value("UUID"), label: value("LABEL"),
                version: value("VERSION")))
    }

    /// libblkid's PTTYPE of the partition table at `offset`, nil when it finds none (a second probe
    /// with the partition prober alone, run only when no superblock was found).
    private static func partitionTableType(fd: Int32, offset: Int64, size: Int64) throws -> String? {
        guard let pr = blkid_new_probe() else { throw ImageError("blkid", .io(errno: ENOMEM), "cannot create a probe") }
        defer { blkid_free_probe(pr) }
        guard blkid_probe_set_device(pr, fd, offset, size) == 0 else {
            throw ImageError("blkid", .io(errno: errno), "cannot probe \(size) bytes at \(offset)", at: UInt64(offset))
        }
        blkid_probe_enable_superblocks(pr, 0)
        blkid_probe_enable_partitions(pr, 1)
        guard blkid_do_safeprobe(pr) == 0 else { return nil }
        var data: UnsafePointer<CChar>? = nil
        var length = 0
        guard blkid_probe_lookup_value(pr, "PTTYPE", &data, &length) == 0, let data else { return nil }
        return String(cString: data)
    }
}
