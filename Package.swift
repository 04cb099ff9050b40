// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "imagegate",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ImageGate", targets: ["ImageGate"]),
        .executable(name: "imagegate", targets: ["ImageGateCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // libarchive opened on the first archive (dlopen), not linked: see Sources/CArchive/include/carchive.h.
        .target(name: "CArchive", dependencies: ["CLibraryLoader"]),
        // The one dlopen loop of CCurl and CArchive.
        .target(name: "CLibraryLoader"),
        .systemLibrary(name: "CBlkid", pkgConfig: "blkid", providers: [.apt(["libblkid-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLzo", pkgConfig: "lzo2", providers: [.apt(["liblzo2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CEthtool"),
        .systemLibrary(name: "CMalloc"),

        .target(name: "BlockIO"),
        // libcurl opened on the first URL (dlopen), not linked: see Sources/CCurl/include/ccurl.h.
        .target(name: "CCurl", dependencies: ["CLibraryLoader"]),
        .target(name: "Codecs", dependencies: ["BlockIO", "CZlib", "CZstd"]),
        .target(name: "DiskFormats", dependencies: ["BlockIO", "Codecs"]),
        .target(name: "RemoteIO", dependencies: ["BlockIO", "CCurl"]),
        .target(name: "Volumes", dependencies: ["BlockIO", "CBlkid"]),
        .target(name: "FileSystems", dependencies: ["BlockIO", "Codecs", "CArchive", "CLzo"]),
        .target(name: "PackageDatabases", dependencies: ["BlockIO", "FileSystems", "CSQLite"]),
        .target(
            name: "Guest",
            dependencies: [
                "BlockIO", "DiskFormats", "Volumes", "FileSystems", "PackageDatabases", "RemoteIO",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(name: "LiveNetwork", dependencies: ["BlockIO", "CEthtool"]),
        .target(
            name: "ImageGate",
            dependencies: [
                "Guest", "PackageDatabases", "BlockIO", "LiveNetwork", .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "ImageGateCLI",
            dependencies: [
                // ImageGate's public API (with its re-exports, Sources/ImageGate/Exports.swift) only.
                "ImageGate", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // glibc's mallopt, for the heap's growth step (ImageGateCommand.main).
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["BlockIO", "FileSystems"]),
        // nginx + the latency proxy for `make bench-remote`; not a product.
        .executableTarget(name: "BenchServer", dependencies: ["TestSupport"]),

        .testTarget(name: "BlockIOTests", dependencies: ["BlockIO", "TestSupport"]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "BlockIO", "CZstd", "TestSupport"]),
        .testTarget(name: "DiskFormatsTests", dependencies: ["DiskFormats", "BlockIO", "TestSupport"]),
        .testTarget(name: "RemoteIOTests", dependencies: ["RemoteIO", "BlockIO", "TestSupport"]),
        .testTarget(name: "VolumesTests", dependencies: ["Volumes", "BlockIO", "TestSupport"]),
        .testTarget(name: "FileSystemsTests", dependencies: ["FileSystems", "BlockIO", "TestSupport"]),
        .testTarget(
            name: "PackageDatabasesTests",
            dependencies: ["PackageDatabases", "Guest", "FileSystems", "BlockIO", "TestSupport"]
        ),
        .testTarget(
            name: "GuestTests", dependencies: ["Guest", "PackageDatabases", "FileSystems", "BlockIO", "TestSupport"]),
        .testTarget(name: "LiveNetworkTests", dependencies: ["LiveNetwork", "BlockIO", "TestSupport"]),
        .testTarget(
            name: "ImageGateTests",
            dependencies: ["ImageGate", "Guest", "DiskFormats", "PackageDatabases", "LiveNetwork", "TestSupport"],
            exclude: ["Golden"]),
        .testTarget(
            name: "ImageGateCLITests", dependencies: ["ImageGateCLI", "TestSupport"]
        ),
        .testTarget(name: "Conformance", dependencies: ["ImageGate", "TestSupport"], path: "Conformance"),
    ],
    swiftLanguageModes: [.v6]
)
