#!/usr/bin/env python3
"""Prints the reference listing of a tree (a source folder or a loop mount), one entry a line:

    path <TAB> type <TAB> permissions(octal) <TAB> size <TAB> link target or FNV-1a-64 of contents

type is one of regular, directory, symlink, other; size is "-" for directories; the last column is
"-" for directories. Sorted by path (bytes). TestSupport's TreeListing reads this format.
"""
import os
import stat
import sys

root = sys.argv[1].rstrip("/")


def fnv1a64(path):
    h = 0xCBF29CE484222325
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            for b in chunk:
                h ^= b
                h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


rows = []
for dirpath, dirnames, filenames in os.walk(root):
    for n in dirnames + filenames:
        p = os.path.join(dirpath, n)
        rel = "/" + os.path.relpath(p, root)
        if rel.startswith("/lost+found"):
            continue
        st = os.lstat(p)
        perm = f"{stat.S_IMODE(st.st_mode):o}"
        if stat.S_ISLNK(st.st_mode):
            rows.append((rel, "symlink", perm, str(st.st_size), os.readlink(p)))
        elif stat.S_ISDIR(st.st_mode):
            rows.append((rel, "directory", perm, "-", "-"))
        elif stat.S_ISREG(st.st_mode):
            rows.append((rel, "regular", perm, str(st.st_size), fnv1a64(p)))
        else:
            rows.append((rel, "other", perm, "-", "-"))
rows.sort(key=lambda r: r[0].encode())
out = sys.stdout
for r in rows:
    out.write("\t".join(r) + "\n")
