import BlockIO

extension InstalledPackage {
    /// The package an rpm header describes: NAME, EPOCH, VERSION, RELEASE, ARCH, SOURCERPM,
    /// INSTALLTIME.
    /// - Throws: `.corrupt` when NAME or VERSION is missing or a tag has the wrong type.
    public init(rpmHeader h: RPMHeader) throws(ImageError) {
        guard let name = try h.string(.name), !name.isEmpty else {
            throw ImageError(RPMHeader.layer, .corrupt, "header without NAME", at: h.base)
        }
        guard let version = try h.string(.version) else {
            throw ImageError(RPMHeader.layer, .corrupt, "header of \(name) without VERSION", at: h.base)
        }
        var epoch: Int?
        if let e = try h.int32s(.epoch)?.first { epoch = Int(Int32(bitPattern: e)) }
        let installed = try h.int32s(.installTime)?.first.map { Int64($0) }
        self.init(
            manager: .rpm, name: name, epoch: epoch, version: version, release: try h.string(.release),
            architecture: try h.string(.arch), sourceRPM: try h.string(.sourceRPM), installTime: installed)
    }
}
