import Testing

@testable import FileSystems

/// PathLookupCache gives the node a walk from the root gives, whatever was looked up before, and
/// takes one step when the parent is among the last paths found.
@Suite struct PathLookupCacheTests {
    /// A tree of numbered nodes: `children[node][name]` (a node with no entry is a file).
    static let children: [Int: [String: Int]] = [
        0: ["a": 1, "b": 2, "x": 9],
        1: ["c": 3, "d": 4],
        2: ["c": 5],
        3: ["e": 6],
        5: ["e": 7],
    ]

    func walk(_ path: FSPath) -> Int? {
        var node = 0
        for name in path.components {
            guard let next = Self.children[node]?[name] else { return nil }
            node = next
        }
        return node
    }

    @Test func answersAsAWalkFromTheRootInAnyOrder() throws {
        let cache = PathLookupCache<Int>()
        let paths = try [
            "/", "/a", "/a/c", "/a/c/e", "/b/c/e", "/b", "/b/c", "/a/d", "/a/d/e", "/x", "/x/y", "/a/c/e", "/b/c/e",
            "/missing", "/missing/c", "/a/c", "/b/c",
        ].map { try FSPath($0) }
        // Twice over, and shuffled, so hits and misses of the ring both come up.
        var rng = SystemRandomNumberGenerator()
        for path in paths + paths.shuffled(using: &rng) + paths.reversed() {
            var steps = 0
            let found = try cache.lookup(
                path, root: { 0 },
                step: { node, name in
                    steps += 1
                    return Self.children[node]?[name]
                })
            #expect(found == walk(path), "\(path)")
            #expect(steps <= path.components.count)
        }
    }

    @Test func aChildOfTheLastPathTakesOneStep() throws {
        let cache = PathLookupCache<Int>()
        var steps = 0
        let step: (Int, String) -> Int? = { node, name in
            steps += 1
            return Self.children[node]?[name]
        }
        _ = try cache.lookup(try FSPath("/b/c"), root: { 0 }, step: step)
        #expect(steps == 2)
        steps = 0
        #expect(try cache.lookup(try FSPath("/b/c/e"), root: { 0 }, step: step) == 7)
        #expect(steps == 1)
        // A path not found is not kept: its child walks from the root again.
        _ = try cache.lookup(try FSPath("/a/zz"), root: { 0 }, step: step)
        steps = 0
        #expect(try cache.lookup(try FSPath("/a/zz/e"), root: { 0 }, step: step) == nil)
        #expect(steps == 2)
    }
}
