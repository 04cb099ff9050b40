import Synchronization

/// The last few paths a file system looked up and what they named, so that it looks up `/a/b/c`
/// in one directory step right after `/a/b`. A guest path is resolved one component at a time
/// (each prefix is asked in turn, to see the symlinks on the way: `GuestTree.resolve`), so
/// without this every prefix was walked again from the root: 15 directory steps for a path of
/// five components. Images are read-only: a node found stays right.
///
/// A short ring searched from the newest, not a hash map: the parent asked for is almost always
/// one of the last few paths, comparing paths costs less than hashing them, and a map keeping
/// every path a check looks up (most of them once) cost more in insertions than it saved.
/// One per file system object (`Node` is what its walk carries: an inode number, a parsed inode,
/// a subvolume and inode); behind a `Mutex`, for the readers that walk a tree side by side.
final class PathLookupCache<Node: Sendable>: Sendable {
    static var size: Int { 32 }
    private struct Ring {
        var paths: [FSPath] = []
        var nodes: [Node] = []
        var next = 0
    }
    private let recent = Mutex(Ring())

    init() {}

    /// The node `path` names, from the node `root` gives through `step` (the one-name lookup in a
    /// directory node: nil when the name is missing or the node is not a directory). When the
    /// parent is one of the last paths found, one step from its node; otherwise the whole path
    /// from `root`. What is found is kept; a path not found is not.
    func lookup(_ path: FSPath, root: () throws -> Node, step: (Node, String) throws -> Node?) throws -> Node? {
        guard let name = path.components.last else { return try root() }
        var node: Node
        var names = path.components[...]
        if path.components.count > 1, let parent = self.node(of: path.components.dropLast()) {
            (node, names) = (parent, [name])
        } else {
            node = try root()
        }
        for n in names {
            guard let next = try step(node, n) else { return nil }
            node = next
        }
        recent.withLock { ring in
            if ring.paths.count < Self.size {
                ring.paths.append(path)
                ring.nodes.append(node)
            } else {
                ring.paths[ring.next] = path
                ring.nodes[ring.next] = node
            }
            ring.next = (ring.next + 1) % Self.size
        }
        return node
    }

    /// Paths compared by length, then from the last name back: siblings share their first names.
    private static func same(_ a: [String], _ b: ArraySlice<String>) -> Bool {
        guard a.count == b.count else { return false }
        var i = a.count - 1
        var j = b.endIndex - 1
        while i >= 0 {
            guard a[i] == b[j] else { return false }
            i -= 1
            j -= 1
        }
        return true
    }

    /// The node of a recently found path with these components, newest first.
    private func node(of components: ArraySlice<String>) -> Node? {
        recent.withLock { ring in
            // Filled in order from 0, so the last `count` slots before `next` are all in use.
            let count = ring.paths.count
            guard count > 0 else { return nil }
            for k in 1...count {
                let i = (ring.next - k + Self.size) % Self.size
                if Self.same(ring.paths[i].components, components) { return ring.nodes[i] }
            }
            return nil
        }
    }
}
