# Helpers for the rpm fixtures (sourced after images/lib.sh): build the stand-in packages with
# rpmbuild, install them with rpm into a RHEL-9-like root, record rpm's own answers.
RPM_SPECS="$IMAGES_DIR/rpm"
KVER=5.14.0-427.el9.x86_64
RPMDB=(--dbpath /var/lib/rpm --define '_db_backend sqlite')
QF='%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'

# A fake bzImage: boot flag, "HdrS", and the kernel_version pointer at 0x20E (string at ptr + 0x200).
make_vmlinuz() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
buf = bytearray(0x2000)
buf[0x1FE:0x200] = b"\x55\xaa"
buf[0x202:0x206] = b"HdrS"
struct.pack_into("<H", buf, 0x206, 0x020F)
ver = (sys.argv[2] + " (mockbuild@imagegate) (gcc (GCC) 11.4.1) #1 SMP PREEMPT_DYNAMIC Mon Mar 25 00:00:00 UTC 2024").encode() + b"\0"
struct.pack_into("<H", buf, 0x20E, 0x1000 - 0x200)
buf[0x1000:0x1000 + len(ver)] = ver
open(sys.argv[1], "wb").write(buf)
PY
}

# build_rpms TOPDIR CLOUD_INIT_VERSION HAS_FILTER(0|1): every stand-in package into TOPDIR/RPMS.
build_rpms() {
    local top=$1 ci=$2 filter=$3
    mkdir -p "$top/SOURCES"
    make_vmlinuz "$top/SOURCES/vmlinuz" "$KVER"
    local common=(--define "_topdir $top" --define "_buildhost imagegate.test" --define 'use_source_date_epoch_as_buildtime 1'
                  --define 'clamp_mtime_to_source_date_epoch 1' --define '_binary_payload w9.xzdio' --quiet)
    for spec in kernel-core azure-vm-utils NetworkManager wal-marker; do
        rpmbuild -bb "${common[@]}" "$RPM_SPECS/$spec.spec"
    done
    rpmbuild -bb "${common[@]}" --define "ci_version $ci" --define "ci_has_filter $filter" "$RPM_SPECS/cloud-init.spec"
}

# make_root ROOT TOPDIR: a RHEL 9.4-like tree (merged /usr) with the packages installed by rpm.
make_root() {
    local root=$1 top=$2
    mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,var/lib/rpm,boot,root,tmp}
    ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
    rpm --root "$root" "${RPMDB[@]}" --initdb
    rpm --root "$root" "${RPMDB[@]}" -i --nodeps --noscripts --notriggers --ignoresize \
        "$top"/RPMS/x86_64/kernel-core-*.rpm "$top"/RPMS/noarch/cloud-init-*.rpm \
        "$top"/RPMS/x86_64/azure-vm-utils-*.rpm "$top"/RPMS/x86_64/NetworkManager-*.rpm
    # What kernel-install and the filesystem/setup packages would have made.
    cat > "$root/usr/lib/os-release" <<'OSR'
NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
OSR
    ln -s ../usr/lib/os-release "$root/etc/os-release"
    echo "Red Hat Enterprise Linux release 9.4 (Plow)" > "$root/etc/redhat-release"
    echo rhel9 > "$root/etc/hostname"
    cat > "$root/etc/fstab" <<'FSTAB'
# imagegate rpm-rhel9 fixture: one XFS root (make it with mkfs.xfs -m uuid=…f1)
UUID=a1b2c3d4-0000-4000-8000-0000000000f1 /                       xfs     defaults        0 0
FSTAB
    cp "$root/lib/modules/$KVER/vmlinuz" "$root/boot/vmlinuz-$KVER"
    cp "$root/lib/modules/$KVER/config" "$root/boot/config-$KVER"
    mkdir -p "$root/boot/loader/entries"
    printf 'title Red Hat Enterprise Linux (%s) 9.4 (Plow)\nversion %s\nlinux /vmlinuz-%s\ninitrd /initramfs-%s.img\noptions root=UUID=a1b2c3d4-0000-4000-8000-0000000000f1 ro console=ttyS0\n' \
        "$KVER" "$KVER" "$KVER" "$KVER" > "$root/boot/loader/entries/0123456789abcdef0123456789abcdef-$KVER.conf"
    # An initramfs holding the rule (dracut with the 97azure-unmanaged-sriov module).
    local ird; ird=$(mktemp -d)
    mkdir -p "$ird/usr/lib/udev/rules.d"
    cp "$root/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules" "$ird/usr/lib/udev/rules.d/"
    fixed_times "$ird"
    (cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible --quiet | gzip -n -9) > "$root/boot/initramfs-$KVER.img"
    rm -rf "$ird"
    # systemctl enable NetworkManager cloud-init…; one NetworkManager profile by interface name.
    local sd="$root/etc/systemd/system"
    mkdir -p "$sd/multi-user.target.wants" "$sd/cloud-init.target.wants"
    ln -s /usr/lib/systemd/system/NetworkManager.service "$sd/multi-user.target.wants/NetworkManager.service"
    ln -s /usr/lib/systemd/system/cloud-init.target "$sd/multi-user.target.wants/cloud-init.target"
    for u in cloud-init-local cloud-init cloud-config cloud-final; do
        ln -s "/usr/lib/systemd/system/$u.service" "$sd/cloud-init.target.wants/$u.service"
    done
    printf '[connection]\nid=System eth0\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n' \
        > "$root/etc/NetworkManager/system-connections/eth0.nmconnection"
    chmod 600 "$root/etc/NetworkManager/system-connections/eth0.nmconnection"
    fixed_times "$root"
    # rpm stamps INSTALLTIME from SOURCE_DATE_EPOCH (+1 s per package); dracut ran after that.
    touch -d @$((SOURCE_DATE_EPOCH + 60)) "$root/boot/initramfs-$KVER.img"
}

# record_reference ROOT PREFIX: rpm's own answers about ROOT's database.
#   PREFIX-qa.tsv     rpm -qa (NAME EPOCHNUM VERSION RELEASE ARCH), sorted
#   PREFIX-files.tsv  every recorded path and its package (rpm -qa --qf '[%{FILENAMES}\t%{=NAME}\n]'), sorted
#   PREFIX-qf.tsv     rpm -qf for a few paths (some through the merged-/usr links, which rpm
#                     resolves by directory): PATH<TAB>owner[,owner] or "-" when none
record_reference() {
    local root=$1 prefix=$2
    rpm --root "$root" "${RPMDB[@]}" -qa --qf "$QF" | LC_ALL=C sort > "$prefix-qa.tsv"
    rpm --root "$root" "${RPMDB[@]}" -qa --qf '[%{FILENAMES}\t%{=NAME}\n]' | LC_ALL=C sort > "$prefix-files.tsv"
    : > "$prefix-qf.tsv"
    for p in /lib/modules/$KVER/kernel/drivers/net/ethernet/microsoft/mana/mana.ko.xz \
             /lib/modules/$KVER/kernel/drivers/hv/hv_vmbus.ko.xz /lib/modules/$KVER/vmlinuz /lib/modules/$KVER \
             /boot/vmlinuz-$KVER /usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules /usr/bin/cloud-init \
             /usr/sbin/NetworkManager /etc/os-release /etc/fstab \
             /usr/lib/modules/$KVER/vmlinuz /usr/lib/modules/$KVER/kernel/drivers/hv/hv_vmbus.ko.xz \
             /lib/udev/rules.d/10-azure-unmanaged-sriov.rules /sbin/NetworkManager /usr/lib/os-release; do
        local owner
        owner=$(rpm --root "$root" "${RPMDB[@]}" -qf --qf '%{NAME}\n' "$p" 2>/dev/null | LC_ALL=C sort -u | paste -sd, -) || true
        case "$owner" in ""|*"not owned"*) owner=-;; esac
        printf '%s\t%s\n' "$p" "$owner" >> "$prefix-qf.tsv"
    done
    # Queries may leave a -shm behind: an image of a shut-down system has none.
    rm -f "$root/var/lib/rpm/rpmdb.sqlite-shm"
    fixed_times "$root/var/lib/rpm"
}
