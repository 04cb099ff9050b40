#!/usr/bin/env bash
# Builds every fixture (or the ones named) into the cache, keyed by the hash of its script, the
# shared lib and its committed tree, so unchanged fixtures are never rebuilt.
#
#   images/build.sh [NAME...]        build (if needed) and link into $CACHE/latest/NAME
#   images/build.sh --print NAME     build if needed, print the output folder
#   IMAGEGATE_FIXTURE_JOBS=N         how many fixtures build at once (default 3)
#
# Cache: ${IMAGEGATE_FIXTURE_CACHE:-/var/tmp/imagegate-fixtures}. Needs root (loop devices).
set -euo pipefail
IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${IMAGEGATE_FIXTURE_CACHE:-/var/tmp/imagegate-fixtures}"
mkdir -p "$CACHE/latest"

key() {
    local name=$1
    {
        cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/fixtures/$name.sh"
        # A fixture may list other inputs (trees, scripts) in a line "# inputs: a b c".
        for input in $(sed -n 's/^# inputs: //p' "$IMAGES_DIR/fixtures/$name.sh"); do
            if [ -d "$IMAGES_DIR/$input" ]; then
                (cd "$IMAGES_DIR/$input" && find . -print0 | LC_ALL=C sort -z | xargs -0 -I{} sh -c 'echo "{}"; [ -L "{}" ] && readlink "{}"; [ -f "{}" ] && [ ! -L "{}" ] && cat "{}"; true')
            else
                cat "$IMAGES_DIR/$input"
            fi
        done
    } | sha256sum | cut -c1-16
}

build_one() {
    local name=$1 out
    out="$CACHE/$name-$(key "$name")"
    # One builder per fixture at a time: parallel builds that share a dependency wait for it.
    exec {lock}>"$CACHE/.lock-$name"
    flock "$lock"
    if [ ! -e "$out/.done" ]; then
        rm -rf "$out" "$out.tmp"
        mkdir -p "$out.tmp"
        echo "fixture $name: building" >&2
        local start=$SECONDS
        if ! OUT="$out.tmp" bash "$IMAGES_DIR/fixtures/$name.sh" >"$out.tmp.log" 2>&1; then
            echo "fixture $name: FAILED, last lines of $out.tmp.log:" >&2
            tail -30 "$out.tmp.log" >&2
            exit 1
        fi
        mv "$out.tmp.log" "$out.tmp/build.log"
        touch "$out.tmp/.done"
        mv "$out.tmp" "$out"
        echo "fixture $name: built in $((SECONDS - start)) s" >&2
    fi
    ln -sfn "$out" "$CACHE/latest/$name"
    flock -u "$lock"
    exec {lock}>&-
    printf '%s\n' "$out"
}

if [ "${1:-}" = "--print" ]; then
    build_one "$2"
    exit 0
fi
if [ "${1:-}" = "--one" ]; then
    build_one "$2" >/dev/null
    exit 0
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$IMAGES_DIR"/fixtures/*.sh; do names+=("$(basename "$f" .sh)"); done
fi
# Fixture builds wait mostly on I/O and package downloads: a few at once use 2 cores well.
printf '%s\n' "${names[@]}" | xargs -P "${IMAGEGATE_FIXTURE_JOBS:-3}" -I{} bash "$0" --one {}
