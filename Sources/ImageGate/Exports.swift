// The types of lower layers that ImageGate's own public declarations take or give, re-exported
// one by one so that `import ImageGate` is all a library user (and the `imagegate` executable)
// needs. Only types that already appear in ImageGate's signatures are listed: each is part of
// this module's contract, and wrapping it would copy its fields and documentation for nothing.
// Everything else of the lower layers (GuestImage, GuestTree, file systems, devices) stays
// behind the facade of `OpenedImage` and `ImageGate.check`, so those layers can change without
// changing what a user of ImageGate sees.

/// The one error of unreadable input, layer and byte offset: thrown by `ImageGate.openImage`
/// and `OpenedImage`'s reads.
@_exported import struct BlockIO.ImageError
/// What an image behind a URL cost on the network: `CheckResult.transfer`, `OpenedImage.transfer`.
@_exported import struct BlockIO.TransferStats
/// What was found in the guest: `CheckResult.facts` and `Inspection.facts`.
@_exported import struct Guest.GuestFacts
/// How the image was laid out (partitions, volumes, root, mounts): `Inspection.layout`.
@_exported import struct Guest.LayoutReport
/// How to open an image: `CheckOptions.open` and `ImageGate.openImage(_:options:)`.
@_exported import struct Guest.OpenOptions
