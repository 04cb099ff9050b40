#!/usr/bin/env bash
# make bench: imagegate against its peers, in one run, pair by pair (issue 13).
#
# Images: the realistic one (scripts/bench-fixture.sh: the Debian 12 guest with 4 GiB of random
# data in a 30 GiB qcow2 and the same as a fixed VHD, built once and cached under /var/tmp), then
# the small Debian 12 fixtures in every container.
# Tools, run alternately (imagegate, peer, imagegate, peer, …) so load changes hit both:
#   imagegate   `imagegate check IMAGE`
#   pipeline    `qemu-img convert -O raw` to a temp file + `debugfs -R 'cat /var/lib/dpkg/status'`
#               at the root partition's offset (what a user scripts today without root)
#   inspector   `virt-inspector --no-applications` (libguestfs-tools, installed from Debian when
#               missing; LIBGUESTFS_BACKEND=direct, with force_tcg when KVM cannot run a guest here)
# Per tool and image: median wall seconds, peak RSS, and bytes read — `rchar` (every read(2) and
# pread(2) of the tool and its children, appliance included) so all tools are measured alike;
# imagegate's own `--stats` count of image bytes is printed too. Ratio = peer median / imagegate
# median, from the same run.
#
#   BENCH_RUNS=N        runs per tool on the 30 GiB image (default 3; 5 on the small ones)
#   BENCH_PEERS="pipeline inspector"   which peers (default both; "" for imagegate only)
#   BENCH_BIG=0         skip the 30 GiB image
#   BENCH_SMALL=0       skip the small fixtures
#   BENCH_REPEAT=N      imagegate runs per turn (default 10): a check takes some 20 ms and this
#                       machine's neighbours move single runs by 10–20 ms, so imagegate's median is
#                       taken over N runs a turn; a peer, at seconds a run, runs once a turn
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/imagegate}
FIX=${IMAGEGATE_FIXTURES:-/var/tmp/imagegate-fixtures/latest}
TMP=$(mktemp -d /var/tmp/imagegate-bench-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
big_runs=${BENCH_RUNS:-3}
small_runs=${BENCH_RUNS:-5}
peers=${BENCH_PEERS-pipeline inspector}
repeat=${BENCH_REPEAT:-10}

# --- virt-inspector: install when missing, pick the backend ----------------------------------
inspector_note=""
if [[ " $peers " == *" inspector "* ]]; then
    if ! command -v virt-inspector >/dev/null; then
        echo "bench: installing libguestfs-tools (virt-inspector) from Debian" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q libguestfs-tools >/dev/null 2>&1 || true
    fi
    if ! command -v virt-inspector >/dev/null; then
        inspector_note="virt-inspector: not installable here (apt-get install libguestfs-tools failed); column left out"
        peers=${peers//inspector/}
    else
        export LIBGUESTFS_BACKEND=direct
        # A nested machine may show /dev/kvm and still be unable to run a guest: ask the tool.
        if [ -w /dev/kvm ] && timeout 600 libguestfs-test-tool >"$TMP/kvm.log" 2>&1; then
            inspector_note="virt-inspector: LIBGUESTFS_BACKEND=direct with KVM"
        else
            export LIBGUESTFS_BACKEND_SETTINGS=force_tcg
            if timeout 900 libguestfs-test-tool >"$TMP/tcg.log" 2>&1; then
                inspector_note="virt-inspector: LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg (KVM unusable here)"
            else
                inspector_note="virt-inspector: cannot start its appliance here, even under TCG (libguestfs-test-tool failed: $(tail -1 "$TMP/tcg.log")); column left out"
                peers=${peers//inspector/}
            fi
        fi
    fi
fi

# --- one measured run ----------------------------------------------------------------------
# measure CMD... → "<seconds> <peak KiB> <rchar bytes>" (the command's own output discarded):
# scripts/measure.py forks and execs the command itself and takes wall time, wait4's peak RSS and
# the growth of its own /proc/self/io (a reaped child's reads are added there), so nothing but the
# command is timed. imagegate and virt-inspector are run directly; the pipeline is a shell function
# (two commands and a temp file), so it runs under one bash, as a user's script would.
measure() { python3 scripts/measure.py "$@"; }

run_pipeline() { # IMAGE FORMAT OFFSET
    qemu-img convert -f "$2" -O raw "$1" "$TMP/disk.raw"
    debugfs -R 'cat /var/lib/dpkg/status' "$TMP/disk.raw?offset=$3" > "$TMP/status" 2>/dev/null
    rm -f "$TMP/disk.raw"
    [ -s "$TMP/status" ]
}
export -f run_pipeline
export TMP

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "-"} else if (NR%2) {print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }

# Seconds on a shared machine mean little without the load they were taken under.
echo "bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
printf '%-34s %-10s %9s %9s %12s %12s %8s\n' image tool "median s" "peak MiB" "rchar B" "image B" "×imagegate"
# row LABEL IMAGE QEMU-FORMAT ROOT-OFFSET RUNS: alternate the tools RUNS times, then print them.
row() {
    local label=$1 img=$2 fmt=$3 off=$4 runs=$5 tools=(imagegate) t i
    [ -f "$img" ] || return 0
    if [ "$fmt" != skip ]; then for t in $peers; do tools+=("$t"); done; fi
    for t in "${tools[@]}"; do : > "$TMP/m-$t"; done
    for i in $(seq "$runs"); do
        for t in "${tools[@]}"; do
            case $t in
            imagegate) for _ in $(seq "$repeat"); do measure "$BIN" check "$img" >> "$TMP/m-$t"; done ;;
            pipeline) measure bash -c 'run_pipeline "$0" "$1" "$2"' "$img" "$fmt" "$off" >> "$TMP/m-$t" ;;
            inspector) measure virt-inspector --no-applications --format="$fmt" -a "$img" >> "$TMP/m-$t" ;;
            esac
        done
    done
    local stats base s rss rchar ratio
    stats=$( ("$BIN" check "$img" --stats 2>&1 >/dev/null || true) | sed -n 's/^stats: \([0-9]*\) bytes.*/\1/p')
    base=$(cut -d' ' -f1 "$TMP/m-imagegate" | median)
    for t in "${tools[@]}"; do
        s=$(cut -d' ' -f1 "$TMP/m-$t" | median)
        rss=$(cut -d' ' -f2 "$TMP/m-$t" | median | awk '{printf "%.0f", $1/1024}')
        rchar=$(cut -d' ' -f3 "$TMP/m-$t" | median | awk '{printf "%.0f", $1}')
        ratio=$(awk -v a="$s" -v b="$base" 'BEGIN {printf "%.0f×", a/b}')
        [ "$t" = imagegate ] && ratio=1× || true
        printf '%-34s %-10s %9.3f %9s %12s %12s %8s\n' "$label" "$t" "$s" "$rss" "$rchar" "$([ "$t" = imagegate ] && echo "$stats" || echo -)" "$ratio"
    done
}

d=$FIX/debian12-disk
root_offset() { echo $(( $(sgdisk -i 3 "$1" | sed -n 's/^First sector: \([0-9]*\).*/\1/p') * 512 )); }
off=$(root_offset "$d/disk.raw")
if [ "${BENCH_BIG:-1}" != 0 ]; then
    big=$(bash scripts/bench-fixture.sh "$d/disk.raw")
    row "debian12 30 GiB + 4 GiB data qcow2" "$big/disk.qcow2" qcow2 "$off" "$big_runs"
    row "debian12 30 GiB + 4 GiB fixed VHD" "$big/disk-fixed.vhd" vpc "$off" "$big_runs"
fi
[ "${BENCH_SMALL:-1}" = 0 ] && { [ -n "$inspector_note" ] && echo "$inspector_note"; exit 0; }
row "debian12 raw" "$d/disk.raw" raw "$off" "$small_runs"
row "debian12 qcow2" "$d/disk.qcow2" qcow2 "$off" "$small_runs"
row "debian12 vhd fixed" "$d/disk-fixed.vhd" vpc "$off" "$small_runs"
row "debian12 vhd dynamic" "$d/disk-dynamic.vhd" vpc "$off" "$small_runs"
# Other containers and layouts of the same guest: imagegate only (each peer needs per-layout work).
row "debian12 qcow2 grown to 2 TiB" "$d/disk-2T.qcow2" skip 0 "$small_runs"
row "debian12 vhdx" "$FIX/vhdx-debian12/disk.vhdx" skip 0 "$small_runs"
row "debian12 vmdk streamOptimized" "$FIX/vmdk-debian12/stream.vmdk" skip 0 "$small_runs"
row "debian12 vmdk twoGbMaxExtentSparse" "$FIX/vmdk-debian12/split/disk.vmdk" skip 0 "$small_runs"
row "debian12 ova" "$FIX/ova-debian12/debian12.ova" skip 0 "$small_runs"
row "debian12 rootfs.tar.zst (one pass)" "$FIX/tar-debian12/rootfs.tar.zst" skip 0 "$small_runs"
row "debian12 XFS on LVM (vhd)" "$FIX/debian12-lvm-xfs/disk.vhd" skip 0 "$small_runs"
row "debian12 btrfs @ @home (vhd)" "$FIX/debian12-btrfs/disk.vhd" skip 0 "$small_runs"
[ -n "$inspector_note" ] && echo "$inspector_note"
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
echo "pipeline: qemu-img convert -O raw + debugfs cat /var/lib/dpkg/status; rchar counts every byte each tool read (files, pipes, appliance)."
