import Dispatch
import Synchronization

/// Runs `body` on every element with up to `width` of them in flight at once, and returns the
/// results in the elements' order (so what a caller builds from them does not depend on timing).
///
/// For reads that wait on the network, not on the CPU: each worker is its own serial dispatch
/// queue, which libdispatch backs with a thread of its own even beyond the core count (the
/// global concurrent queues would run only as many blocked readers as there are cores). With
/// `width` 1, or one element, everything runs on the caller's thread, in order: a local image
/// reads exactly as it would without this.
public func concurrentMap<Element: Sendable, Result: Sendable>(
    _ elements: [Element], width: Int, _ body: @escaping @Sendable (Element) throws -> Result
) -> [Swift.Result<Result, any Error>] {
    guard width > 1, elements.count > 1 else {
        return elements.map { e in Swift.Result { try body(e) } }
    }
    let work = ConcurrentWork<Element, Result>(elements, body)
    let group = DispatchGroup()
    for worker in 0..<min(width, elements.count) {
        group.enter()
        DispatchQueue(label: "imagegate.read.\(worker)").async {
            work.drain()
            group.leave()
        }
    }
    group.wait()
    return work.results()
}

/// The shared state of one `concurrentMap`: the next element to take and the results so far.
private final class ConcurrentWork<Element: Sendable, Result: Sendable>: Sendable {
    let elements: [Element]
    let body: @Sendable (Element) throws -> Result
    private let state: Mutex<(next: Int, results: [Swift.Result<Result, any Error>?])>

    init(_ elements: [Element], _ body: @escaping @Sendable (Element) throws -> Result) {
        self.elements = elements
        self.body = body
        state = Mutex((0, Array(repeating: nil, count: elements.count)))
    }

    /// Takes elements until none is left.
    func drain() {
        while true {
            let i = state.withLock { s -> Int in
                defer { s.next += 1 }
                return s.next
            }
            guard i < elements.count else { return }
            let r = Swift.Result { try body(elements[i]) }
            state.withLock { $0.results[i] = r }
        }
    }

    func results() -> [Swift.Result<Result, any Error>] {
        state.withLock { s in
            s.results.map { $0 ?? .failure(ImageError("io", .io(errno: 0), "a concurrent read did not run")) }
        }
    }
}
