#!/usr/bin/env bash
# make bench: time and bytes read by imagegate against the rootless pipeline a user would script
# today (qemu-img convert -O raw to a temp file, then debugfs at the partition offset), side by
# side, on every built disk fixture. Bytes for imagegate come from its --stats line (all layers,
# every host file read); for the pipeline, from qemu-img map (every allocated byte must be read
# to convert) — a lower bound.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/imagegate}
FIX=${IMAGEGATE_FIXTURES:-/var/tmp/imagegate-fixtures/latest}
TMP=$(mktemp -d /var/tmp/imagegate-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
runs=${BENCH_RUNS:-3}

stat_of() { # stat_of ARGS... → "<bytes> <seconds>" (best of $runs)
    local best="" line
    for _ in $(seq "$runs"); do
        line=$( ("$BIN" "$@" --stats 2>&1 >/dev/null || true) | sed -n 's/^stats: \([0-9]*\) bytes in [0-9]* reads, \([0-9.]*\) s$/\1 \2/p')
        [ -n "$line" ] || { echo "imagegate $* failed" >&2; "$BIN" "$@" >/dev/null; exit 1; }
        if [ -z "$best" ] || awk -v a="${line#* }" -v b="${best#* }" 'BEGIN{exit !(a<b)}'; then best=$line; fi
    done
    echo "$best"
}

pipeline() { # pipeline IMAGE FORMAT OFFSET → "<allocated bytes> <seconds>"
    local img=$1 fmt=$2 off=$3 start end bytes
    bytes=$(qemu-img map -f "$fmt" --output=json "$img" | python3 -c 'import json,sys; print(sum(e["length"] for e in json.load(sys.stdin) if e.get("data")))')
    start=$(date +%s.%N)
    qemu-img convert -f "$fmt" -O raw "$img" "$TMP/disk.raw"
    debugfs -R 'cat /var/lib/dpkg/status' "$TMP/disk.raw?offset=$off" > "$TMP/status" 2>/dev/null
    end=$(date +%s.%N)
    rm -f "$TMP/disk.raw"
    echo "$bytes $(echo "$end - $start" | bc -l)"
}

printf '%-38s %12s %10s %12s %10s %14s %10s %8s\n' image "check B" "check s" "status B" "status s" "pipeline B" "pipeline s" speedup
row() { # row LABEL IMAGE QEMU-FORMAT ROOT-PARTITION-OFFSET
    local label=$1 img=$2 fmt=$3 off=$4 i s p
    [ -f "$img" ] || return 0
    i=$(stat_of check "$img")
    if "$BIN" cat "$img" /var/lib/dpkg/status >/dev/null 2>&1; then s=$(stat_of cat "$img" /var/lib/dpkg/status); else s="- -"; fi
    if [ "$fmt" = skip ]; then p="- -"; else p=$(pipeline "$img" "$fmt" "$off"); fi
    local speed="-"
    [ "${p#* }" != "-" ] && speed=$(echo "${p#* } / ${s#* }" | bc -l | xargs printf '%.0fx')
    printf '%-38s %12s %10s %12s %10s %14s %10s %8s\n' "$label" "${i% *}" "${i#* }" "${s% *}" "${s#* }" "${p% *}" "${p#* }" "$speed"
}
d=$FIX/debian12-disk
off=$(( $(sgdisk -i 3 "$d/disk.raw" | sed -n 's/^First sector: \([0-9]*\).*/\1/p') * 512 ))
row "debian12 raw" "$d/disk.raw" raw "$off"
row "debian12 qcow2" "$d/disk.qcow2" qcow2 "$off"
row "debian12 vhd fixed" "$d/disk-fixed.vhd" vpc "$off"
row "debian12 vhd dynamic" "$d/disk-dynamic.vhd" vpc "$off"
row "debian12 qcow2 grown to 2 TiB" "$d/disk-2T.qcow2" skip "$off"
# Other layouts and containers of the same guest (imagegate only; the pipeline needs per-layout work).
row "debian12 vhdx" "$FIX/vhdx-debian12/disk.vhdx" skip 0
row "debian12 vmdk streamOptimized" "$FIX/vmdk-debian12/stream.vmdk" skip 0
row "debian12 vmdk twoGbMaxExtentSparse" "$FIX/vmdk-debian12/split/disk.vmdk" skip 0
row "debian12 ova" "$FIX/ova-debian12/debian12.ova" skip 0
row "debian12 rootfs.tar.zst (one pass)" "$FIX/tar-debian12/rootfs.tar.zst" skip 0
row "debian12 XFS on LVM, /usr LV (vhd)" "$FIX/debian12-lvm-xfs/disk.vhd" skip 0
row "debian12 btrfs @ @home (vhd)" "$FIX/debian12-btrfs/disk.vhd" skip 0
row "rhel9-like rpm sqlite (ext4)" "$FIX/rpm-rhel9/root.ext4" skip 0
