import BlockIO

extension VMDKFormat {
    /// A descriptor file: each extent opened from its own file (through the referenced-file
    /// policy), laid end to end.
    static func openDescriptor(_ descriptor: VMDKDescriptor, path: String, context: OpenContext) throws -> OpenedDisk {
        guard !descriptor.extents.isEmpty else {
            throw ImageError(layer, .corrupt, "descriptor \(path) lists no extents", at: 0)
        }
        var files = [path]
        var notes: [String] = []
        var parent: (any BlockDevice)?
        if descriptor.hasParent {
            let p = try openParent(descriptor, path: path, context: context)
            parent = p.device
            files += p.files
            notes += p.notes
        }
        var parts: [any BlockDevice] = []
        var start: UInt64 = 0
        for e in descriptor.extents {
            let bytes = try Checked.mul(e.sectors, 512, layer, at: e.lineOffset)
            let parentSlice: (any BlockDevice)? = try parent.map { p in
                guard start <= p.size, bytes <= p.size - start else {
                    throw ImageError(layer, .corrupt, "parent is smaller than this disk", at: e.lineOffset)
                }
                return try SliceDevice(p, start: start, size: bytes, layer: layer)
            }
            switch e.type {
            case .zero:
                parts.append(parentSlice ?? ZeroDevice(size: bytes))
            case .flat, .vmfs:
                let (extent, name) = try openExtentFile(e, context: context)
                files.append(name)
                let at = try Checked.mul(e.startSector, 512, layer, at: e.lineOffset)
                parts.append(try SliceDevice(extent, start: at, size: bytes, layer: layer))
            case .sparse:
                let (extent, name) = try openExtentFile(e, context: context)
                files.append(name)
                let header = try sparseHeader(extent)
                parts.append(try VMDKSparseExtent(file: extent, header: header, size: bytes, parent: parentSlice))
            case .vmfsSparse, .vmfsRDM, .vmfsRaw:
                throw ImageError(layer, .unsupported, "\(e.type.rawValue) extents (ESX host formats)", at: e.lineOffset)
            }
            start = try Checked.add(start, bytes, layer, at: e.lineOffset)
        }
        let device: any BlockDevice = parts.count == 1 ? parts[0] : try ConcatDevice(parts, layer: layer)
        return OpenedDisk(
            device: device, format: "vmdk-\(descriptor.createType ?? "descriptor")", files: files, notes: notes)
    }

    static func openExtentFile(_ e: VMDKDescriptor.Extent, context: OpenContext) throws -> (any BlockDevice, String) {
        let name = try context.resolveReferencedFile(e.file ?? "", layer: layer, at: e.lineOffset)
        return (CountingDevice(try context.store.open(name), counter: context.counter), name)
    }

    /// The parent of a differencing disk (`parentFileNameHint`), any VMDK variant.
    static func openParent(_ descriptor: VMDKDescriptor, path: String, context: OpenContext) throws
        -> (device: any BlockDevice, files: [String], notes: [String])
    {
        guard let hint = descriptor.values["parentFileNameHint"], !hint.isEmpty else {
            throw ImageError(layer, .corrupt, "\(path): differencing disk (parentCID set) without parentFileNameHint")
        }
        let opened = try DiskImage.openReferenced(hint, from: path, layer: layer, at: nil, context: context) {
            parentPath, file, child in
            let head = try file.read(at: 0, count: Int(min(1024, file.size)), layer: layer)
            guard matches(head: head, tail: [], size: file.size) else {
                throw ImageError(layer, .unsupported, "parent \(parentPath) of \(path) is not a VMDK")
            }
            // The child records its parent's content ID: a parent written since is not this one.
            if let want = descriptor.values["parentCID"], let have = try descriptorOf(file)?.values["CID"],
                want.lowercased() != have.lowercased()
            {
                throw ImageError(
                    layer, .corrupt,
                    "parent \(parentPath) has CID \(have), but \(path) expects \(want) (parent changed since the child was made)"
                )
            }
            return try open(file, path: parentPath, context: child)
        }
        return (opened.device, opened.files, opened.notes)
    }

    /// The descriptor of a VMDK file: embedded in a sparse extent, or the whole text file.
    static func descriptorOf(_ file: any BlockDevice) throws -> VMDKDescriptor? {
        let head = try file.read(at: 0, count: Int(min(4, file.size)), layer: layer)
        if head == VMDKSparseHeader.magic {
            let header = try sparseHeader(file)
            guard header.descriptorSector != 0, header.descriptorSectors != 0 else { return nil }
            return try embeddedDescriptor(file, header)
        }
        let count = try Checked.int(file.size, limit: VMDKDescriptor.maximumSize, "descriptor size", layer, at: 0)
        return try VMDKDescriptor(try file.read(at: 0, count: count, layer: layer), layer: layer, base: 0)
    }
}
