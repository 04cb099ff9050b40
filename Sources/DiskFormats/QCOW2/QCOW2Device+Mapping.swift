import BlockIO

extension QCOW2Device {
    /// Where the virtual byte at `pos` comes from, and for how many bytes (at most `limit`, never
    /// past the cluster, or the run of subclusters in the same state).
    func lookup(_ pos: UInt64, limit: Int) throws -> (Source, Int) {
        let header = metadata.header
        let bits = UInt64(header.clusterBits)
        let clusterSize = header.clusterSize
        let cluster = pos >> bits
        let within = pos & (clusterSize - 1)
        let rest = Int(min(UInt64(limit), clusterSize - within))
        let l1Index = cluster / header.l2Entries
        let l2Index = cluster % header.l2Entries
        guard l1Index < metadata.l1Entries else {
            throw ImageError("qcow2", .corrupt, "no L1 entry for virtual offset \(pos)", at: header.l1TableOffset)
        }
        let (l1Entry, l1EntryOffset) = try self.l1Entry(l1Index)
        let l2Offset = l1Entry & Self.offsetMask
        if l2Offset == 0 { return (unallocated, rest) }
        guard l2Offset & (clusterSize - 1) == 0 else {
            throw ImageError(
                "qcow2", .corrupt, "L1 entry \(l1Index) points to an unaligned L2 table", at: l1EntryOffset)
        }
        let (entry, bitmap, entryOffset) = try l2Entry(table: l2Offset, index: l2Index, l1EntryOffset: l1EntryOffset)

        if entry & Self.compressedFlag != 0 {
            // Compressed cluster descriptor: host offset in the low bits, then the count of
            // additional 512-byte sectors (qcow2 spec, "Compressed Clusters Descriptor").
            let shift = 62 - (bits - 8)
            let sectors = ((entry >> shift) & ((1 << (bits - 8)) - 1)) + 1
            let host = entry & ((1 << shift) - 1)
            guard host < metadata.fileSize else {
                throw ImageError(
                    "qcow2", .corrupt, "L2 entry for virtual offset \(pos) points past the end of the file",
                    at: entryOffset)
            }
            let count = min(sectors * 512 - (host & 511), metadata.fileSize - host)
            return (.compressed(offset: host, count: Int(count), within: Int(within)), rest)
        }
        let host = entry & Self.offsetMask
        if !header.extendedL2 {
            if header.version >= 3 && entry & Self.zeroFlag != 0 { return (.zero, rest) }
            if host == 0 { return (unallocated, rest) }
            try checkDataCluster(host, entryOffset: entryOffset, pos: pos)
            return (.data(host + within), rest)
        }

        // Extended L2 entry: 32 subclusters, each allocated, zero, or unallocated.
        let subBits = bits - 5
        let first = Int(within >> subBits)
        let allocated = UInt32(truncatingIfNeeded: bitmap)
        let zeros = UInt32(truncatingIfNeeded: bitmap >> 32)
        func state(_ s: Int) -> (Bool, Bool) { ((allocated >> s) & 1 != 0, (zeros >> s) & 1 != 0) }
        let firstState = state(first)
        if firstState.0 && firstState.1 {
            throw ImageError(
                "qcow2", .corrupt, "subcluster \(first) is marked both allocated and zero", at: entryOffset + 8)
        }
        var end = first + 1
        while end < 32 && state(end) == firstState { end += 1 }
        let count = Int(min(UInt64(limit), (UInt64(end) << subBits) - within))
        if firstState.1 { return (.zero, count) }
        if !firstState.0 { return (unallocated, count) }
        guard host != 0 else {
            throw ImageError("qcow2", .corrupt, "allocated subcluster without a host cluster", at: entryOffset)
        }
        try checkDataCluster(host, entryOffset: entryOffset, pos: pos)
        return (.data(host + within), count)
    }

    private var unallocated: Source { backing == nil ? .zero : .backing }

    private func checkDataCluster(_ host: UInt64, entryOffset: UInt64, pos: UInt64) throws {
        guard host & (metadata.header.clusterSize - 1) == 0 else {
            throw ImageError("qcow2", .corrupt, "L2 entry points to an unaligned cluster \(host)", at: entryOffset)
        }
        guard host < metadata.fileSize else {
            throw ImageError(
                "qcow2", .corrupt,
                "L2 entry for virtual offset \(pos) points to cluster \(host) past the end of the file (\(metadata.fileSize) bytes)",
                at: entryOffset)
        }
    }

    /// L1 entry `index` (below `l1Entries`) and its file offset, read through the page cache.
    private func l1Entry(_ index: UInt64) throws -> (UInt64, UInt64) {
        let table = metadata.header.l1TableOffset
        let tableBytes = metadata.l1Entries * 8
        let byte = index * 8
        let pageStart = byte / Self.l2PageBytes * Self.l2PageBytes
        let page: [UInt8]
        if let hit = caches.withLock({ $0.l1Pages[pageStart] }) {
            page = hit
        } else {
            // The header check put the whole table inside the file.
            let count = min(Self.l2PageBytes, tableBytes - pageStart)
            page = try file.read(at: table + pageStart, count: Int(count), layer: "qcow2")
            caches.withLock { $0.l1Pages.insert(page, for: pageStart) }
        }
        let r = ByteReader(page, layer: "qcow2", base: table + pageStart)
        return (try r.u64be(at: Int(byte - pageStart)), table + byte)
    }

    /// The L2 entry `index` of the table at `table` (and its subcluster bitmap with extended L2
    /// entries), read through the page cache; also returns the entry's file offset.
    private func l2Entry(table: UInt64, index: UInt64, l1EntryOffset: UInt64) throws -> (UInt64, UInt64, UInt64) {
        let header = metadata.header
        let pageBytes = min(Self.l2PageBytes, header.clusterSize)
        let byte = index * header.l2EntryBytes
        let pageStart = table + byte / pageBytes * pageBytes
        let entryOffset = table + byte
        let page: [UInt8]
        if let hit = caches.withLock({ $0.l2Pages[pageStart] }) {
            page = hit
        } else {
            guard pageStart < metadata.fileSize, pageBytes <= metadata.fileSize - pageStart else {
                throw ImageError(
                    "qcow2", .corrupt,
                    "L2 table at \(table) lies past the end of the file (\(metadata.fileSize) bytes)",
                    at: l1EntryOffset)
            }
            page = try file.read(at: pageStart, count: Int(pageBytes), layer: "qcow2")
            caches.withLock { $0.l2Pages.insert(page, for: pageStart) }
        }
        let r = ByteReader(page, layer: "qcow2", base: pageStart)
        let at = Int(byte % pageBytes)
        let entry = try r.u64be(at: at)
        let bitmap = header.extendedL2 ? try r.u64be(at: at + 8) : 0
        return (entry, bitmap, entryOffset)
    }
}
