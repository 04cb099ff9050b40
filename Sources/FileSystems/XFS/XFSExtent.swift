import BlockIO

/// One mapping of a fork: `blockCount` file system blocks from logical block `logicalBlock` live
/// at device byte `deviceOffset`; unwritten (preallocated) extents read as zeros.
struct XFSExtent: Sendable, Equatable {
    let logicalBlock: UInt64
    let blockCount: UInt64
    let deviceOffset: UInt64
    let isUnwritten: Bool

    var logicalEnd: UInt64 { logicalBlock + blockCount }

    /// Decodes a packed 128-bit bmbt record (`xfs_bmbt_rec`, big-endian):
    /// bit 127 unwritten flag, bits 126–73 startoff, 72–21 startblock, 20–0 blockcount.
    /// Validates the physical range against the AG geometry and the data device.
    init(_ r: inout ByteReader, superblock sb: XFSSuperblock) throws(ImageError) {
        let at = r.offset
        let l0 = try r.u64be()  // 0x00
        let l1 = try r.u64be()  // 0x08
        isUnwritten = l0 >> 63 != 0
        logicalBlock = (l0 >> 9) & ((1 << 54) - 1)
        let startBlock = ((l0 & 0x1FF) << 43) | (l1 >> 21)
        blockCount = l1 & ((1 << 21) - 1)
        guard blockCount > 0 else { throw ImageError(XFS.layer, .corrupt, "empty extent", at: at) }
        // Files end before 2^63 bytes, so logical byte offsets never overflow.
        guard logicalBlock + blockCount <= (UInt64(1) << 63) >> sb.blockLog else {
            throw ImageError(XFS.layer, .corrupt, "extent past the largest file offset", at: at)
        }
        let start = try sb.deviceBlock(ofFSBlock: startBlock, at: at)
        // An extent never crosses an AG boundary and ends inside the data device.
        let agOffset = startBlock & ((UInt64(1) << sb.agBlockLog) - 1)
        guard agOffset + blockCount <= UInt64(sb.agBlocks), start + blockCount <= sb.dataBlocks else {
            throw ImageError(
                XFS.layer, .corrupt,
                "extent of \(blockCount) blocks at block \(start) past the end of its AG or the device", at: at)
        }
        deviceOffset = start << sb.blockLog
    }

    init(logicalBlock: UInt64, blockCount: UInt64, deviceOffset: UInt64, isUnwritten: Bool) {
        self.logicalBlock = logicalBlock
        self.blockCount = blockCount
        self.deviceOffset = deviceOffset
        self.isUnwritten = isUnwritten
    }
}

extension XFSSuperblock {
    /// The linear block number on the data device of file system block `fsBlock`
    /// (`agno << agblklog | agbno`); throws `.corrupt` for an AG or AG block out of range.
    func deviceBlock(ofFSBlock fsBlock: UInt64, at offset: UInt64?) throws(ImageError) -> UInt64 {
        let ag = fsBlock >> agBlockLog
        let agBlock = fsBlock & ((UInt64(1) << agBlockLog) - 1)
        guard ag < UInt64(agCount), agBlock < UInt64(agBlocks) else {
            throw ImageError(
                XFS.layer, .corrupt, "block \(fsBlock) (AG \(ag) block \(agBlock)) out of range", at: offset)
        }
        let linear = ag * UInt64(agBlocks) + agBlock
        guard linear < dataBlocks else {
            throw ImageError(XFS.layer, .corrupt, "block \(fsBlock) past the end of the data device", at: offset)
        }
        return linear
    }

    /// Device byte offset of inode `number`; throws `.corrupt` when it lies outside every AG,
    /// naming `referencedAt` (where the number was read).
    func inodeOffset(_ number: UInt64, referencedAt: UInt64? = nil) throws(ImageError) -> UInt64 {
        let perBlockMask = (UInt64(1) << inodesPerBlockLog) - 1
        let fsBlock = number >> inodesPerBlockLog
        guard fsBlock >> agBlockLog < UInt64(agCount) else {
            throw ImageError(XFS.layer, .corrupt, "inode number \(number) out of range", at: referencedAt)
        }
        let block = try deviceBlock(ofFSBlock: fsBlock, at: referencedAt)
        return block << blockLog + (number & perBlockMask) << inodeLog
    }
}
