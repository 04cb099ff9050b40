#!/usr/bin/env bash
# Installs the Debian packages imagegate builds and tests with, only those missing.
set -euo pipefail
pkgs=(libarchive-dev libblkid-dev zlib1g-dev libzstd-dev libsqlite3-dev liblzo2-dev pkg-config
      qemu-utils xfsprogs btrfs-progs mtools dosfstools gdisk fdisk lvm2 e2fsprogs debootstrap
      rpm zstd xz-utils lz4 cpio libxml2-utils db5.3-util python3-jsonschema python3-yaml cryptsetup-bin)
pkgs+=(libcurl4-openssl-dev nginx-light)  # RemoteIO (libcurl), remote tests serve fixtures with nginx
pkgs+=(iproute2)  # live VF check tests: ip netns, veth pairs
pkgs+=(openssl bzip2)  # tar-rootfs fixture: deterministic random bytes (AES-CTR), tar -j
pkgs+=(mbr)  # azure-disk-layouts fixture: install-mbr writes real BIOS boot code into sector 0
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    if [ "$(id -u)" != 0 ]; then echo "need root to apt-get install ${missing[*]}" >&2; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
