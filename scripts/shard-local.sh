#!/usr/bin/env bash
# Runs `imagegate check --shard I/N` for every I at once on this machine and merges their JSON
# Lines into one stream sorted by input index: what N pods of an Indexed Job give, locally.
#   scripts/shard-local.sh N LIST [check options…]
# The exit code is the worst of the shards'. IMAGEGATE overrides the binary
# (default: the release build, else the debug build).
set -euo pipefail
n=${1:?usage: shard-local.sh N LIST [check options…]}
list=${2:?usage: shard-local.sh N LIST [check options…]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${IMAGEGATE:-}
if [[ -z $bin ]]; then
    bin=$root/.build/release/imagegate
    [[ -x $bin ]] || bin=$root/.build/debug/imagegate
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pids=()
for ((i = 0; i < n; i++)); do
    "$bin" check --from "$list" --shard "$i/$n" --format json "$@" >"$out/$i.jsonl" &
    pids+=($!)
done
worst=0
for pid in "${pids[@]}"; do
    rc=0
    wait "$pid" || rc=$?
    ((rc > worst)) && worst=$rc
done
cat "$out"/*.jsonl | python3 -c '
import json, sys
lines = [l for l in sys.stdin if l.strip()]
lines.sort(key=lambda l: json.loads(l)["index"])
sys.stdout.write("".join(lines))'
exit "$worst"
