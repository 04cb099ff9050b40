#!/usr/bin/env python3
"""Writes the common test tree every file system fixture is built from (deterministic).

usage: make-common-tree.py DIR

Covers: empty and odd-sized files, a file with holes, a 1 MiB+ file, short (fast) and long (slow)
symlinks, an absolute and a dangling link, a hard link pair, a 3000-entry directory (htree / XFS
node and btree forms), a 100-entry one, deep nesting, a 255-byte name and a non-ASCII name.
"""
import os
import random
import sys

root = sys.argv[1]
rng = random.Random(20261125)


def data(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def write(rel, content):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(content)


os.makedirs(root, exist_ok=True)
write("etc/os-release", b'PRETTY_NAME="Test Linux 1"\nID=testlinux\nVERSION_ID="1"\n')
write("etc/hostname", b"common\n")
write("files/empty", b"")
for n in (1, 60, 4095, 4096, 4097, 65537):
    write(f"files/size-{n}", data(n))
write("files/big-1MiB-plus-3", data((1 << 20) + 3))
# A file with holes: data at 0, at 4 MiB and in the last bytes of 8 MiB.
sparse = os.path.join(root, "files/sparse")
with open(sparse, "wb") as f:
    f.write(data(5000))
    f.seek(4 << 20)
    f.write(data(70000))
    f.seek((8 << 20) - 100)
    f.write(data(100))
os.makedirs(os.path.join(root, "links"), exist_ok=True)
os.symlink("../files/size-60", os.path.join(root, "links/short"))
os.symlink("../files/" + "x" * 40 + "/../../files/size-60" + "/." * 60, os.path.join(root, "links/long"))
os.symlink("/etc/os-release", os.path.join(root, "links/absolute"))
os.symlink("nowhere/at/all", os.path.join(root, "links/dangling"))
os.link(os.path.join(root, "files/size-4096"), os.path.join(root, "links/hard-4096"))
for i in range(3000):
    write(f"big-dir/entry-{i:05d}-{'n' * (i % 37)}", f"{i}\n".encode())
for i in range(100):
    write(f"mid-dir/e{i:03d}", data(i * 3))
write("deep/" + "/".join(f"level{i}" for i in range(12)) + "/leaf", b"deep leaf\n")
write("names/" + "L" * 255, b"long name\n")
write("names/na\u00efve-\u30d5\u30a1\u30a4\u30eb", b"unicode name\n")
os.makedirs(os.path.join(root, "empty-dir"), exist_ok=True)
for dirpath, dirnames, filenames in os.walk(root):
    for n in filenames + dirnames:
        p = os.path.join(dirpath, n)
        if not os.path.islink(p):
            os.chmod(p, 0o755 if os.path.isdir(p) else 0o644)
os.chmod(os.path.join(root, "files/size-1"), 0o600)
os.chmod(os.path.join(root, "files/size-60"), 0o4755)
