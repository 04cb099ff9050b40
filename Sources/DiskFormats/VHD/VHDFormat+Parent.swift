import BlockIO

extension VHDFormat {
    /// Parent locator data longer than this is not a path.
    static let maximumLocatorBytes: UInt32 = 64 << 10

    /// A place the parent may be, in order of preference, with where it was read.
    struct ParentCandidate {
        let name: String
        let offset: UInt64
    }

    /// Opens the parent of a differencing disk: the first parent locator that names an existing
    /// file the policy allows (W2ru relative, then W2ku absolute, then their file names, then the
    /// header's parent name, all next to the image), checking its unique id against the child's.
    static func openParent(
        _ header: VHDDynamicHeader, file: any BlockDevice, headerOffset: UInt64, path: String, context: OpenContext
    ) throws -> OpenedDisk {
        let candidates = try parentCandidates(header, file: file, headerOffset: headerOffset)
        guard !candidates.isEmpty else {
            throw ImageError("vhd", .corrupt, "differencing disk names no parent", at: headerOffset + 0x240)
        }
        var firstError: ImageError?
        for candidate in candidates {
            do {
                return try DiskImage.openReferenced(
                    candidate.name, from: path, layer: "vhd", at: candidate.offset, context: context
                ) { parentPath, parentFile, parentContext in
                    let headCount = Int(min(parentFile.size, UInt64(VHDFooter.length)))
                    let head = try parentFile.read(at: 0, count: headCount, layer: "vhd")
                    let tail = try parentFile.read(
                        at: parentFile.size - UInt64(headCount), count: headCount, layer: "vhd")
                    guard matches(head: head, tail: tail, size: parentFile.size) else {
                        throw ImageError(
                            "vhd", .badMagic, "parent '\(candidate.name)' is not a VHD", at: candidate.offset)
                    }
                    let (disk, footer) = try openVHD(parentFile, path: parentPath, context: parentContext)
                    guard footer.uniqueID == header.parentUniqueID else {
                        throw ImageError(
                            "vhd", .corrupt,
                            "parent '\(candidate.name)' has unique id \(VHDFooter.hex(footer.uniqueID)), the child expects \(VHDFooter.hex(header.parentUniqueID))",
                            at: headerOffset + 0x28)
                    }
                    return disk
                }
            } catch let error as ImageError
                where error.kind == .notFound
                || (error.kind == .unsupported && error.layer == "vhd" && error.detail.hasPrefix("refusing"))
            {
                // Not there, or not allowed: try the next locator.
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? ImageError("vhd", .notFound, "parent not found", at: headerOffset + 0x240)
    }

    /// Candidate parent paths, mapped to `/`, without duplicates.
    static func parentCandidates(
        _ header: VHDDynamicHeader, file: any BlockDevice, headerOffset: UInt64
    ) throws -> [ParentCandidate] {
        var relative: [ParentCandidate] = []
        var absolute: [ParentCandidate] = []
        var fileNames: [ParentCandidate] = []
        for locator in header.parentLocators where locator.platformCode == "W2ru" || locator.platformCode == "W2ku" {
            guard locator.dataLength > 0, locator.dataLength <= maximumLocatorBytes else {
                throw ImageError(
                    "vhd", .corrupt, "parent locator of \(locator.dataLength) bytes", at: locator.entryOffset + 8)
            }
            guard locator.dataOffset < file.size, UInt64(locator.dataLength) <= file.size - locator.dataOffset else {
                throw ImageError(
                    "vhd", .corrupt, "parent locator data at \(locator.dataOffset) lies past the end of the file",
                    at: locator.entryOffset + 16)
            }
            var r = try file.reader(at: locator.dataOffset, count: Int(locator.dataLength), layer: "vhd")
            let name = try windowsPath(&r, length: Int(locator.dataLength))
            guard !name.isEmpty else { continue }
            let candidate = ParentCandidate(name: name, offset: locator.entryOffset)
            if locator.platformCode == "W2ru" {
                relative.append(candidate)
            } else if name.hasPrefix("/") {
                absolute.append(candidate)
            }
            if let last = name.split(separator: "/").last {
                fileNames.append(ParentCandidate(name: String(last), offset: locator.entryOffset))
            }
        }
        if !header.parentName.isEmpty {
            let mapped = header.parentName.replacingBackslashes()
            if let last = mapped.split(separator: "/").last {
                fileNames.append(ParentCandidate(name: String(last), offset: headerOffset + 0x40))
            }
        }
        var seen = Set<String>()
        return (relative + absolute + fileNames).filter { seen.insert($0.name).inserted }
    }

    /// A UTF-16LE Windows path as a `/` path: `.\a\b.vhd` → `./a/b.vhd`; a drive letter
    /// (`C:\x\b.vhd`) has no meaning here and becomes `/x/b.vhd` (refused unless external files
    /// are allowed; its file name is tried next to the image).
    static func windowsPath(_ r: inout ByteReader, length: Int) throws(ImageError) -> String {
        var s = try r.utf16le(units: length / 2).replacingBackslashes()
        if s.count >= 2, s.dropFirst().first == ":", s.first?.isLetter == true { s = String(s.dropFirst(2)) }
        return s
    }
}

extension String {
    func replacingBackslashes() -> String { String(map { $0 == "\\" ? "/" : $0 }) }
}
