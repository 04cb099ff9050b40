#!/usr/bin/env python3
"""Writes a small file with a real bzImage setup header (boot protocol 2.x) whose kernel_version
pointer (offset 0x20E) leads to the version string, as `file` and our kernel inspector read it.

usage: make-bzimage.py OUT "6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP ..."
"""
import struct
import sys

out, version = sys.argv[1], sys.argv[2]
image = bytearray(0x1000)
image[0x1FE:0x200] = b"\x55\xaa"  # boot flag
image[0x202:0x206] = b"HdrS"  # header magic
struct.pack_into("<H", image, 0x206, 0x020F)  # protocol version
version_at = 0x0400
struct.pack_into("<H", image, 0x20E, version_at - 0x200)
image[version_at:version_at + len(version) + 1] = version.encode() + b"\0"
with open(out, "wb") as f:
    f.write(image)
