#!/usr/bin/env bash
# Builds every libFuzzer harness Fuzz/<Name>Fuzz.swift into Fuzz/bin/<Name>Fuzz (git-ignored),
# and optionally runs each for a while.
#
#   Fuzz/build.sh [--run SECONDS] [NAME...]     NAME: QCOW2Fuzz, VHDFuzz, … (default: all)
#   (--run: each harness that long on its corpus Fuzz/bin/corpus/NAME; exit 1 on any finding)
#
# A SwiftPM executable cannot link libFuzzer's main, so each module a harness names in its first
# line (`// fuzz-modules: BlockIO DiskFormats`, in dependency order) is compiled by swiftc as a
# static library with fuzzer and address sanitizer instrumentation (and -enable-testing, so a
# harness may `@testable import` it), then the harness is linked against them. The C shims under
# Sources/C* are found by their module maps (-I); their libraries are linked by name, and a C
# target's files (include/module.modulemap beside *.c: the dlopen loaders) are compiled and linked.
# Fuzz/FuzzSupport.swift (the input split, the patch driver, byte writers, bounded walks) is
# compiled into every harness.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/Fuzz/bin"
BUILD="$BIN/modules"
SWIFTC="${SWIFTC:-swiftc}"

run_seconds=""
names=()
while [ $# -gt 0 ]; do
    case "$1" in
        --run) run_seconds="${2:?--run needs a number of seconds}"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) names+=("${1%.swift}"); shift ;;
    esac
done
if [ ${#names[@]} -eq 0 ]; then
    for f in "$ROOT"/Fuzz/*Fuzz.swift; do [ -e "$f" ] && names+=("$(basename "$f" .swift)"); done
fi
if [ ${#names[@]} -eq 0 ]; then echo "no harnesses in Fuzz/" >&2; exit 0; fi

FLAGS=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -O -g -enable-testing)
# gold warns about every ASan helper symbol; lld (shipped with the toolchain) does not.
LINKER=()
if command -v ld.lld >/dev/null 2>&1; then LINKER=(-use-ld=lld); fi
SHIMS=()
LIBS=()
CTARGETS=()
mkdir -p "$BUILD"
for shim in "$ROOT"/Sources/C*/; do
    if [ -f "$shim/module.modulemap" ]; then
        SHIMS+=(-I "$shim")
        for lib in $(sed -n 's/.*link "\([^"]*\)".*/\1/p' "$shim/module.modulemap"); do LIBS+=(-l"$lib"); done
    elif [ -f "$shim/include/module.modulemap" ]; then
        # A C target (the loaders that open their library with dlopen): its header's module map,
        # and its C files compiled below (with every C target's headers: one includes another's).
        SHIMS+=(-I "$shim/include")
        CTARGETS+=("$shim")
    fi
done
for shim in "${CTARGETS[@]}"; do
    for c in "$shim"/*.c; do
        o="$BUILD/$(basename "$shim")-$(basename "$c" .c).o"
        clang -O1 -g -fsanitize=address "${SHIMS[@]}" -c "$c" -o "$o"
        LIBS+=("$o")
    done
done
declare -A built=()

# build_module MODULE KEY PATH...: compiles the Swift files under each PATH (relative to Sources/,
# a folder or a file) as MODULE into $BUILD/KEY, once per KEY.
build_module() {
    local m=$1 key=$2
    shift 2
    local out="$BUILD/$key"
    [ -n "${built[$key]:-}" ] && return 0
    local sources=()
    for p in "$@"; do
        mapfile -t -O "${#sources[@]}" sources < <(find "$ROOT/Sources/$p" -name '*.swift' | LC_ALL=C sort)
    done
    if [ ${#sources[@]} -eq 0 ]; then echo "fuzz: no sources for module $m ($*)" >&2; exit 1; fi
    echo "fuzz: module $m (${#sources[@]} files from $*)" >&2
    mkdir -p "$out"
    (cd "$out" && "$SWIFTC" "${FLAGS[@]}" -emit-module -emit-library -static -module-name "$m" \
        -emit-module-path "$out/$m.swiftmodule" -o "$out/lib$m.a" "${INCS[@]}" "${SHIMS[@]}" "${sources[@]}")
    built[$key]=1
}

for name in "${names[@]}"; do
    harness="$ROOT/Fuzz/$name.swift"
    [ -f "$harness" ] || { echo "fuzz: no harness $harness" >&2; exit 1; }
    read -r -a entries <<<"$(sed -n '1s#^// fuzz-modules:##p' "$harness")"
    if [ ${#entries[@]} -eq 0 ]; then echo "fuzz: $harness has no '// fuzz-modules:' first line" >&2; exit 1; fi
    # An entry `Module/sub/path` builds Module from that folder or file of Sources/Module only (for
    # a module whose other files need what a harness cannot link); entries of one module merge.
    modules=()
    declare -A paths=()
    for e in "${entries[@]}"; do
        m=${e%%/*}
        [ -n "${paths[$m]+x}" ] || { modules+=("$m"); paths[$m]=""; }
        paths[$m]+=" $e"
    done
    link=()
    INCS=()
    for m in "${modules[@]}"; do
        read -r -a ps <<<"${paths[$m]}"
        key=$m
        [ "${ps[*]}" = "$m" ] || key="$m-$(printf '%s ' "${ps[@]}" | sha256sum | cut -c1-12)"
        build_module "$m" "$key" "${ps[@]}"
        INCS+=(-I "$BUILD/$key")
        link=(-L "$BUILD/$key" -l"$m" "${link[@]}")  # dependents before their dependencies for the static linker
    done
    unset paths
    echo "fuzz: harness $name" >&2
    "$SWIFTC" "${FLAGS[@]}" "${LINKER[@]}" -module-name "${name}Harness" "${INCS[@]}" "${SHIMS[@]}" \
        "$harness" "$ROOT/Fuzz/FuzzSupport.swift" "${link[@]}" "${LIBS[@]}" -o "$BIN/$name"
done

# Every harness runs even when one fails, so one finding does not hide the others; a crash, a
# timeout, an out-of-memory or a leak is a non-zero exit, and the input is saved in Fuzz/bin.
if [ -n "$run_seconds" ]; then
    failed=()
    for name in "${names[@]}"; do
        corpus="$BIN/corpus/$name"
        mkdir -p "$corpus"
        echo "fuzz: running $name for $run_seconds s" >&2
        (cd "$BIN" && "$BIN/$name" -max_total_time="$run_seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 "$corpus") || failed+=("$name")
    done
    if [ ${#failed[@]} -gt 0 ]; then
        echo "fuzz: findings in ${failed[*]} (inputs in $BIN)" >&2
        exit 1
    fi
    echo "fuzz: ${#names[@]} harnesses ran $run_seconds s each, no finding" >&2
fi
