# Shared by the Debian disk fixtures (sourced, after lib.sh): `debian_disk TREE` turns a Debian root
# folder into a real cloud disk in $OUT: GPT with an EFI FAT partition, a separate ext4 /boot and an
# ext4 root whose /etc/fstab (written by debian12-tree) names them by UUID, then converted with
# qemu-img. The tree is copied, never changed.
# Output: disk.raw disk.qcow2 disk-fixed.vhd disk-dynamic.vhd layout.txt kernel-release
debian_disk() {
    local tree=$1
    local release work
    release=$(ls "$tree/lib/modules" | head -1)
    work="$OUT/work"
    mkdir -p "$work/root" "$work/boot" "$work/efi/EFI/debian"
    cp -a "$tree/." "$work/root/"
    mv "$work/root/boot/"* "$work/boot/"
    mkdir -p "$work/root/boot/efi"
    # What grub-mkconfig would write for this kernel (no chroot needed), and the EFI stub config.
    mkdir -p "$work/boot/grub"
    cat > "$work/boot/grub/grub.cfg" <<GRUB
set default="0"
set timeout=5
search --no-floppy --fs-uuid --set=root 6a1b2c3d-0000-4000-8000-00000000b007
menuentry 'Debian GNU/Linux' --class debian {
	linux	/vmlinuz-$release root=UUID=6a1b2c3d-0000-4000-8000-00000000d12a ro console=ttyS0
	initrd	/initrd.img-$release
}
GRUB
    printf 'search.fs_uuid 6a1b2c3d-0000-4000-8000-00000000b007 root\nset prefix=($root)/grub\nconfigfile $prefix/grub.cfg\n' \
        > "$work/efi/EFI/debian/grub.cfg"
    for f in "$tree"/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi; do [ -f "$f" ] && cp "$f" "$work/efi/EFI/debian/"; done
    fixed_times "$work"

    local root_mb boot_mb efi_mb=34 total_mb n start
    root_mb=$(( $(du -sm "$work/root" | cut -f1) * 13 / 10 + 200 ))
    boot_mb=$(( $(du -sm "$work/boot" | cut -f1) + 64 ))
    mkfs.fat -C -F 32 -i D12EF100 -n EFI "$work/efi.img" $((efi_mb * 1024))
    mcopy -s -i "$work/efi.img" "$work/efi/EFI" ::/
    mkfs.ext4 -q -F -U 6a1b2c3d-0000-4000-8000-00000000b007 -E hash_seed=6a1b2c3d-0000-4000-8000-0000000000b0 \
        -L boot -d "$work/boot" "$work/boot.img" ${boot_mb}M
    mkfs.ext4 -q -F -U 6a1b2c3d-0000-4000-8000-00000000d12a -E hash_seed=6a1b2c3d-0000-4000-8000-0000000000d1 \
        -L root -d "$work/root" "$work/root.img" ${root_mb}M

    # GPT: 1 MiB alignment, EFI, /boot, root; fixed GUIDs.
    total_mb=$((1 + efi_mb + boot_mb + root_mb + 1))
    truncate -s ${total_mb}M "$OUT/disk.raw"
    sgdisk -Z "$OUT/disk.raw" >/dev/null 2>&1 || true
    sgdisk -U 6A1B2C3D-0000-4000-8000-0000000D15C0 \
        -n 1:1M:+${efi_mb}M -t 1:EF00 -c 1:"EFI System" -u 1:6A1B2C3D-0000-4000-8000-000000000001 \
        -n 2:0:+${boot_mb}M -t 2:8300 -c 2:boot -u 2:6A1B2C3D-0000-4000-8000-000000000002 \
        -n 3:0:+${root_mb}M -t 3:8304 -c 3:root -u 3:6A1B2C3D-0000-4000-8000-000000000003 \
        "$OUT/disk.raw" >/dev/null
    local img=("" efi.img boot.img root.img)
    for n in 1 2 3; do
        start=$(sgdisk -i $n "$OUT/disk.raw" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
        dd if="$work/${img[$n]}" of="$OUT/disk.raw" bs=512 seek="$start" conv=notrunc,sparse status=none
    done
    sgdisk -p "$OUT/disk.raw" > "$OUT/layout.txt"
    echo "$release" > "$OUT/kernel-release"
    rm -rf "$work"

    qemu-img convert -f raw -O qcow2 "$OUT/disk.raw" "$OUT/disk.qcow2"
    qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$OUT/disk.raw" "$OUT/disk-fixed.vhd"
    qemu-img convert -f raw -O vpc -o subformat=dynamic "$OUT/disk.raw" "$OUT/disk-dynamic.vhd"
}
