#!/usr/bin/env bash
# The realistic image `make bench` times (issue 13): the Debian 12 guest of fixture debian12-disk
# (EFI and /boot copied as they are) with its root grown to fill a 30 GiB disk and holding 4 GiB
# of incompressible data (/srv/data.bin), as a qcow2 and as a fixed VHD. Built once and cached
# under $BENCH_CACHE (default /var/tmp/imagegate-bench, outside the repo), keyed by this script
# and the source disk; kept sparse (the 26 GiB the guest never wrote are holes, also in the VHD).
#
#   scripts/bench-fixture.sh SOURCE-DISK.raw   prints the folder holding disk.qcow2 disk-fixed.vhd
#
# Not a test fixture (images/fixtures/): `make fixtures` must not write 10 GB for everyone.
# Needs e2fsprogs (resize2fs, debugfs), gdisk, qemu-utils; no root, no loop device.
set -euo pipefail
src=$1
CACHE=${BENCH_CACHE:-/var/tmp/imagegate-bench}
key=$( (cat "$0"; stat -c '%s %Y' "$src") | sha256sum | cut -c1-16)
out="$CACHE/debian12-30g-$key"
if [ -e "$out/.done" ]; then echo "$out"; exit 0; fi
mkdir -p "$CACHE"
exec {lock}>"$CACHE/.lock"
flock "$lock"
if [ -e "$out/.done" ]; then echo "$out"; exit 0; fi
rm -rf "$out" "$CACHE"/debian12-30g-*.tmp
tmp="$out.tmp"
mkdir -p "$tmp"
echo "bench fixture: building $out (30 GiB virtual, 4 GiB of random data; a few minutes)" >&2

sector() { sgdisk -i "$1" "$2" | sed -n "s/^$3 sector: \([0-9]*\).*/\1/p"; }
disk_gib=30
# Root: partition 3 of the source, grown in its own file to the end of the new disk.
r_first=$(sector 3 "$src" First)
r_last=$(sector 3 "$src" Last)
dd if="$src" of="$tmp/root.img" bs=512 skip="$r_first" count=$((r_last - r_first + 1)) conv=sparse status=none
root_bytes=$(( disk_gib * 1024 * 1024 * 1024 - r_first * 512 - 2 * 1024 * 1024 ))
e2fsck -fy "$tmp/root.img" >/dev/null 2>&1 || true
resize2fs -f "$tmp/root.img" "$((root_bytes / 1024))K" >/dev/null 2>&1
# 4 GiB that no codec can shrink (qcow2 and VHD store it whole), written into the ext4 offline.
head -c $((4 * 1024 * 1024 * 1024)) /dev/urandom > "$tmp/data.bin"
debugfs -w -R "write $tmp/data.bin /srv/data.bin" "$tmp/root.img" >/dev/null 2>&1
rm -f "$tmp/data.bin"

# The new disk: the source's GPT (same GUIDs), moved backup, root partition to the end.
truncate -s "${disk_gib}G" "$tmp/disk.raw"
dd if="$src" of="$tmp/disk.raw" bs=1M count=$(( r_first * 512 / 1048576 )) conv=notrunc,sparse status=none
sgdisk -e "$tmp/disk.raw" >/dev/null
sgdisk -d 3 -n 3:"$r_first":+"$((root_bytes / 1024))K" -t 3:8304 -c 3:root -u 3:6A1B2C3D-0000-4000-8000-000000000003 \
    "$tmp/disk.raw" >/dev/null
dd if="$tmp/root.img" of="$tmp/disk.raw" bs=1M seek=$(( r_first * 512 / 1048576 )) conv=notrunc,sparse status=none
rm -f "$tmp/root.img"
sgdisk -p "$tmp/disk.raw" > "$tmp/layout.txt"

qemu-img convert -f raw -O qcow2 "$tmp/disk.raw" "$tmp/disk.qcow2"
qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$tmp/disk.raw" "$tmp/disk-fixed.vhd"
rm -f "$tmp/disk.raw"
touch "$tmp/.done"
mv "$tmp" "$out"
echo "$out"
