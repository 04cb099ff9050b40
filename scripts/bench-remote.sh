#!/usr/bin/env bash
# make bench-remote: what a remote check costs. Each image is checked from disk, over HTTP at 0 ms
# (nginx on 127.0.0.1) and at 50 ms per request (the tests' FaultProxy in front of nginx,
# BenchServer), side by side: round trips, requests and bytes transferred (the `stats: http:` line
# of --stats), and wall time. Budget (issue 9): at 50 ms, <= 60 round trips, <= 3 s, <= 32 MiB.
# BENCH_LATENCY_MS changes the added latency; BENCH_IMAGES the images (paths under the fixtures).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/imagegate}
SERVER=${SERVER:-.build/release/BenchServer}
FIX=${IMAGEGATE_FIXTURES:-/var/tmp/imagegate-fixtures/latest}
LATENCY=${BENCH_LATENCY_MS:-50}
IMAGES=${BENCH_IMAGES:-debian12-disk/disk.qcow2 debian12-disk/disk-fixed.vhd}
QUERY='?sv=2022-11-02&sig=bench'

coproc SRV { exec "$SERVER" "$FIX" "$LATENCY"; }
read -r -u "${SRV[0]}" NGINX PROXY
stop() { exec {SRV[1]}>&-; wait "$SRV_PID" 2>/dev/null || true; }
trap stop EXIT

measure() { # measure IMAGE-OR-URL → "<round trips> <requests> <bytes> <seconds>"
    local err
    err=$("$BIN" check --stats "$1" 2>&1 >/dev/null || true)
    local wall http
    wall=$(sed -n 's/^stats: [0-9]* bytes in [0-9]* reads, \([0-9.]*\) s$/\1/p' <<<"$err")
    http=$(sed -n 's/^stats: http: \([0-9]*\) requests, \([0-9]*\) round trips, \([0-9]*\) bytes transferred.*/\2 \1 \3/p' <<<"$err")
    [ -n "$wall" ] || { echo "imagegate check $1 failed: $err" >&2; exit 1; }
    echo "${http:-- - -} $wall"
}

printf '%-32s %-10s %11s %9s %14s %9s\n' image where "round trips" requests "bytes" "wall s"
for img in $IMAGES; do
    [ -f "$FIX/$img" ] || { echo "$FIX/$img missing (make fixtures)" >&2; continue; }
    local_bytes=$( ("$BIN" check --stats "$FIX/$img" 2>&1 >/dev/null || true) | sed -n 's/^stats: \([0-9]*\) bytes in.*/\1/p')
    read -r rt rq by s < <(measure "$FIX/$img")
    printf '%-32s %-10s %11s %9s %14s %9s\n' "$img" local - - "$local_bytes read" "$s"
    read -r rt rq by s < <(measure "http://127.0.0.1:$NGINX/$img$QUERY")
    printf '%-32s %-10s %11s %9s %14s %9s\n' "$img" "0 ms" "$rt" "$rq" "$by" "$s"
    read -r rt rq by s < <(measure "http://127.0.0.1:$PROXY/$img$QUERY")
    printf '%-32s %-10s %11s %9s %14s %9s\n' "$img" "$LATENCY ms" "$rt" "$rq" "$by" "$s"
done
