import Testing

/// One requirement on one image: the argument of a conformance test, so that the console and the
/// event stream name each case by both ("cloud-init on images/a.vhd"). The image is shown as given
/// in `IMAGEGATE_IMAGES`, so two images of the same file name in different folders stay distinct.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let id: String
    let image: String

    var testDescription: String { "\(id) on \(image)" }
}
