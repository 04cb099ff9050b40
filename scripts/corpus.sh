#!/usr/bin/env bash
# scripts/corpus.sh DIR: imagegate `check`, `inspect` and `ls -l /` on every file under DIR
# (issue 10, "Public corpora"). The corpora are other projects' test images (util-linux blkid,
# e2fsprogs, btrfs-progs, qemu-iotests): they stay outside the repository, and each finding
# becomes a test whose bytes our own code builds.
#
# Each run has a 5 s timeout and a 256 MiB address-space cap; /usr/bin/time gives its peak RSS.
# Per folder (a file's directory below DIR) it prints runs, exit codes, signals, hangs, worst
# time and peak memory; then each offending run, one line each:
#   signal      killed by a signal (a trap, or the cap turning an allocation into an abort)
#   hang        still running after 5 s
#   exit N      an exit status other than 0, 1 or 2
#   memory      peak RSS over 256 MiB
#   no-layer    exit 2 without an "imagegate: error: <layer>: …" line
# Exit status: 1 when any run offends, 0 when none does.
#
#   BIN=path      the binary (default: .build/release/imagegate if present, else .build/debug)
#   CORPUS_LOG=F  also write one line per run (folder, command, exit, KiB, seconds, file) to F
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR" >&2; exit 64; }
dir=${1%/}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BIN:-}" ]; then
    BIN=$here/.build/debug/imagegate
    [ -x "$here/.build/release/imagegate" ] && BIN=$here/.build/release/imagegate
fi
[ -x "$BIN" ] || { echo "corpus.sh: no binary at $BIN (swift build --product imagegate)" >&2; exit 64; }
limit_s=5
limit_kib=$((256 * 1024))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=${CORPUS_LOG:-$tmp/runs}
: > "$log"

# One run: prints "exit kib seconds" (exit 128+N for signal N, 124 for the timeout).
run() {
    /usr/bin/time -f '%x %M %e' -o "$tmp/time" \
        prlimit --as=$((limit_kib * 1024)) -- \
        timeout -k 1 "$limit_s" "$BIN" "$@" > /dev/null 2> "$tmp/err" < /dev/null
    local code=$?
    local kib secs
    read -r _ kib secs < <(tail -n 1 "$tmp/time")
    # time's own line is "Command terminated by signal N" then the format line; the shell's
    # status already carries 128+N, and timeout reports a signalled child the same way.
    echo "$code ${kib:-0} ${secs:-0}"
}

offending=0
while IFS= read -r -d '' file; do
    rel=${file#"$dir"/}
    folder=$(basename "$dir")/$(dirname "$rel")
    folder=${folder%/.}
    for cmd in check inspect ls; do
        case $cmd in
            check) args=(check "$file") ;;
            inspect) args=(inspect "$file") ;;
            ls) args=(ls -l "$file" /) ;;
        esac
        read -r code kib secs < <(run "${args[@]}")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$folder" "$cmd" "$code" "$kib" "$secs" "$rel" >> "$log"
        why=""
        if [ "$code" -eq 124 ] || awk -v s="$secs" -v l="$limit_s" 'BEGIN { exit !(s > l) }'; then
            why="hang"
        elif [ "$code" -gt 128 ]; then
            why="signal $((code - 128))"
        elif [ "$code" -gt 2 ]; then
            why="exit $code"
        elif [ "$kib" -gt "$limit_kib" ]; then
            why="memory ${kib} KiB"
        elif [ "$code" -eq 2 ] && ! grep -qE '^imagegate: error: [A-Za-z0-9_.-]+: ' "$tmp/err"; then
            why="no-layer"
        fi
        if [ -n "$why" ]; then
            offending=1
            printf 'OFFENDS\t%s\t%s\t%s\t%s\n' "$why" "$cmd" "$rel" \
                "$(grep -m 1 -v '^Command' "$tmp/err" | cut -c 1-200)" >> "$tmp/offenders"
        fi
    done
done < <(find "$dir" -type f -print0 | sort -z)

# Per folder: runs, exit codes, signals, hangs, worst seconds, peak MiB (plain awk, no gawk).
sort -t "$(printf '\t')" -k 1,1 -k 3,3n "$log" | awk -F '\t' -v l="$limit_s" '
    function flush() {
        if (f == "") return
        printf "%s: runs %d, exit%s, signals %d, hangs %d, worst %.2f s, peak %.1f MiB\n",
            f, runs, ex " " last ":" count, sig, hang, worst, peak / 1024
    }
    $1 != f { flush(); f = $1; runs = sig = hang = worst = peak = 0; ex = ""; last = ""; count = 0 }
    {
        runs++
        if ($3 != last) { if (last != "") ex = ex " " last ":" count; last = $3; count = 0 }
        count++
        if ($3 > 128) sig++
        if ($3 == 124 || $5 > l) hang++
        if ($5 > worst) worst = $5
        if ($4 > peak) peak = $4
    }
    END { flush() }'
[ -s "$tmp/offenders" ] && cat "$tmp/offenders"
exit "$offending"
