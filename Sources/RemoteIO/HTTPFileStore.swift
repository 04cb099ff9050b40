import BlockIO

/// The files of an image behind an `http://` or `https://` URL, each read with range GETs
/// (`HTTPDevice`), their transfers counted together and their retries bounded by one deadline
/// (the per-image `timeout`, from when the store was made).
///
/// Files the image names (a qcow2 backing file, a VHD/VHDX parent, a VMDK extent) are URLs too:
/// a relative name without `..` is the sibling URL in the image's folder (subfolders allowed);
/// an absolute path, a name climbing out with `..` or an absolute URL is refused unless
/// `allowExternalFiles`, and then resolved against the image's server. Never a host file: a
/// stranger's image must not make imagegate read those.
///
/// Names are kept without a query (they reach reports and errors); `open` adds the image's own
/// query (its SAS) to a URL on the image's own origin (scheme, host, port) only, so a signature is
/// never sent to another server.
public struct HTTPFileStore: FileStore {
    public let options: RemoteOptions
    public let counter: TransferCounter
    let deadline: ContinuousClock.Instant
    /// The image's query (`?…`, maybe a SAS) and origin (`https://host:port`).
    let query: String
    let origin: String?

    public init(
        options: RemoteOptions = RemoteOptions(), counter: TransferCounter = TransferCounter(), imageURL: String = ""
    ) {
        self.options = options
        self.counter = counter
        deadline = ContinuousClock.now.advanced(by: options.timeout)
        query = RemoteURL.query(imageURL)
        origin = RemoteURL.origin(imageURL)
    }

    public func open(_ name: String) throws -> any BlockDevice {
        guard RemoteURL.isRemote(name) else {
            throw ImageError(
                "http", .unsupported, "\(name): a remote image names a host file; only URLs on its server are read")
        }
        let signed = RemoteURL.query(name).isEmpty && RemoteURL.origin(name) == origin ? name + query : name
        return try HTTPDevice(url: signed, options: options, counter: counter, deadline: deadline)
    }

    public func resolveReferenced(
        _ name: String, in folder: String, allowExternalFiles: Bool, layer: String, at offset: UInt64?
    ) throws -> String? {
        if let sibling = RemoteURL.sibling(of: folder + "/", named: name) { return sibling }
        guard allowExternalFiles else {
            throw ExternalFileRefusal.error(
                "refusing to open '\(name)' outside the image's folder \(folder)", layer: layer, at: offset)
        }
        if RemoteURL.isRemote(name) { return RemoteURL.display(name) }
        guard let resolved = RemoteURL.resolve(name, against: folder) else {
            throw ImageError(layer, .corrupt, "referenced file '\(name)' is not a path on \(folder)", at: offset)
        }
        return resolved
    }

    public func folder(of name: String) -> String? {
        let shown = RemoteURL.display(name)
        return shown.lastIndex(of: "/").map { String(shown[..<$0]) }
    }
}
