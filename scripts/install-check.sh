#!/bin/bash
# Checks an installed imagegate (argument: its PREFIX, e.g. a DESTDIR staging folder + /usr/local)
# the way a build agent without Swift would run it: no library of the toolchain may be loaded,
# and it must run from another folder with the toolchain off PATH and its library folder out of
# reach (LD_LIBRARY_PATH empty, the toolchain's lib folders named nowhere in ldd's answer).
set -euo pipefail
prefix=$(readlink -f "${1:?usage: install-check.sh PREFIX}")
bin=$prefix/bin/imagegate
fail() { echo "install-check: $*" >&2; exit 1; }

[[ -x $bin ]] || fail "$bin is missing"
swiftc=$(command -v swiftc || true)
toolchain=${swiftc:+$(dirname "$(dirname "$(readlink -f "$swiftc")")")}
deps=$(ldd "$bin")
if grep -qiE 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime' <<<"$deps"; then
    fail "loads Swift runtime libraries:"$'\n'"$deps"
fi
if [[ -n $toolchain ]] && grep -qF "$toolchain" <<<"$deps"; then fail "loads from the toolchain $toolchain:"$'\n'"$deps"; fi
if grep -q 'not found' <<<"$deps"; then fail "unresolved libraries:"$'\n'"$deps"; fi

# Another folder, a PATH without the toolchain, no library path: what a fresh agent has.
cd "$(mktemp -d)"
version=$(env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$bin" --version) || fail "--version failed"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "--version printed '$version'"
env -i PATH=/usr/bin:/bin "$bin" requirements --format json | python3 -c 'import json,sys; json.load(sys.stdin)' \
    || fail "requirements --format json is not JSON"
# With the toolchain's library folders hidden under an empty tmpfs (a mount namespace of its own;
# needs root, as CI has): a library the static link missed would fail to load here, whatever
# ldd said. The bundled sample, when built, is checked there too (exit 0 or 1: a verdict).
if [[ -n $toolchain && $(id -u) == 0 ]] && command -v unshare >/dev/null; then
    sample=${IMAGEGATE_FIXTURES:-/var/tmp/imagegate-fixtures/latest}/sample/sample.vhd
    hidden=$(unshare -m bash -c '
        for d in "$1"/lib "$1"/lib64; do [[ -d $d ]] && mount -t tmpfs none "$d"; done
        ls "$1"/lib | wc -l
        env -i PATH=/usr/bin:/bin "$2" --version >/dev/null || exit 3
        if [[ -f $3 ]]; then env -i PATH=/usr/bin:/bin "$2" check "$3" >/dev/null; s=$?; [[ $s -le 1 ]] || exit 4; fi
    ' _ "$toolchain" "$bin" "$sample") || fail "does not run with $toolchain/lib hidden (status $?)"
    [[ $hidden == 0 ]] || fail "$toolchain/lib was not hidden"
    echo "install-check: ran with $toolchain/lib hidden${sample:+ (checked $(basename "$sample") there when built)}"
fi
# libcurl is opened on the first URL only (Sources/CCurl/include/ccurl.h), not at start: with it
# hidden (/dev/null bound over it, root and a mount namespace again), a local image is still
# checked, and a URL is refused with the reason and exit 2.
curl_lib=$(ldconfig -p 2>/dev/null | awk '$1 == "libcurl.so.4" { print $NF; exit }')
if [[ -n $curl_lib && $(id -u) == 0 ]] && command -v unshare >/dev/null; then
    curl_lib=$(readlink -f "$curl_lib")
    sample=${IMAGEGATE_FIXTURES:-/var/tmp/imagegate-fixtures/latest}/sample/sample.vhd
    unshare -m bash -c '
        mount --bind /dev/null "$1" || exit 3
        if [[ -f $3 ]]; then "$2" check "$3" >/dev/null; s=$?; [[ $s -le 1 ]] || exit 4; fi
        out=$("$2" check http://127.0.0.1:9/none.raw 2>&1 >/dev/null); s=$?
        [[ $s == 2 ]] || exit 5
        grep -q "libcurl could not be loaded" <<<"$out" || exit 6
    ' _ "$curl_lib" "$bin" "$sample" || fail "with $curl_lib hidden: status $? (4: local check failed, 5/6: the URL error)"
    echo "install-check: runs without libcurl until a URL is read"
fi
# libarchive likewise is opened on first use (Sources/CArchive/include/carchive.h): with it hidden,
# a VHD is still checked (the container sniff answers first), and a tarball, which only libarchive
# can tell from a raw disk, is refused with the reason and exit 2.
archive_lib=$(ldconfig -p 2>/dev/null | awk '$1 == "libarchive.so.13" { print $NF; exit }')
if [[ -n $archive_lib && $(id -u) == 0 ]] && command -v unshare >/dev/null; then
    archive_lib=$(readlink -f "$archive_lib")
    sample=${IMAGEGATE_FIXTURES:-/var/tmp/imagegate-fixtures/latest}/sample/sample.vhd
    tarball=$(mktemp --suffix=.tar)
    tar -cf "$tarball" -C /etc os-release
    unshare -m bash -c '
        mount --bind /dev/null "$1" || exit 3
        if [[ -f $3 ]]; then "$2" check "$3" >/dev/null; s=$?; [[ $s -le 1 ]] || exit 4; fi
        out=$("$2" check "$4" 2>&1 >/dev/null); s=$?
        [[ $s == 2 ]] || exit 5
        grep -q "libarchive could not be loaded" <<<"$out" || exit 6
    ' _ "$archive_lib" "$bin" "$sample" "$tarball" || { rm -f "$tarball"; fail "with $archive_lib hidden: status $? (4: the VHD check failed, 5/6: the tarball error)"; }
    rm -f "$tarball"
    echo "install-check: runs without libarchive until an archive is read"
fi
for page in imagegate imagegate.check imagegate.requirements; do
    [[ -s $prefix/share/man/man1/$page.1 ]] || fail "man page $page.1 missing"
done
man -l "$prefix/share/man/man1/imagegate.check.1" 2>/dev/null | grep -q -- '--vm-size' || [[ ! -x /usr/bin/man ]] \
    || fail "imagegate.check.1 does not document --vm-size"
[[ -s $prefix/share/bash-completion/completions/imagegate ]] || fail "bash completion missing"
[[ -s $prefix/share/zsh/site-functions/_imagegate ]] || fail "zsh completion missing"
[[ -s $prefix/share/fish/vendor_completions.d/imagegate.fish ]] || fail "fish completion missing"
echo "install-check: $bin $version runs without the toolchain; $(wc -l <<<"$deps") libraries, none of Swift's"
