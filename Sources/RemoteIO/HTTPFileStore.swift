import BlockIO

/// The files of an image behind an `http://` or `https://` URL, each read with range GETs
/// (`HTTPDevice`), their transfers counted together and their retries bounded by one deadline
/// (the per-image `timeout`, from when the store was made).
///
/// A name that is not a URL is refused: a remote image's backing files and extents would be
/// host files otherwise, and a stranger's image must never make imagegate read those. Sibling
/// URLs (`RemoteURL.sibling`) are the way such references will be read; until then an image that
/// names another file is refused with this error.
public struct HTTPFileStore: FileStore {
    public let options: RemoteOptions
    public let counter: TransferCounter
    let deadline: ContinuousClock.Instant

    public init(options: RemoteOptions = RemoteOptions(), counter: TransferCounter = TransferCounter()) {
        self.options = options
        self.counter = counter
        deadline = ContinuousClock.now.advanced(by: options.timeout)
    }

    public func open(_ name: String) throws -> any BlockDevice {
        guard RemoteURL.isRemote(name) else {
            throw ImageError(
                "http", .unsupported,
                "\(name): a remote image names another file (a backing file, parent or extent); reading those over HTTP is not supported yet")
        }
        return try HTTPDevice(url: name, options: options, counter: counter, deadline: deadline)
    }
}
