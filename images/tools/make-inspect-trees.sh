#!/usr/bin/env bash
# Recreates the small guest trees images/trees/inspect-* that the inspector tests read through
# DirectoryFileSystem (committed; rerun after editing, then commit). Each tree is a few KiB:
# configuration files as the distributions ship them, empty module files, a 1 KiB fake bzImage.
set -euo pipefail
T="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/trees"

w() { mkdir -p "$(dirname "$1")"; cat >"$1"; }          # write stdin to a file
l() { mkdir -p "$(dirname "$2")"; ln -sfn "$1" "$2"; }   # symlink target path
e() { mkdir -p "$(dirname "$1")"; : >"$1"; }             # empty file

# A 1 KiB x86 bzImage header: boot flag at 0x1FE, "HdrS" at 0x202, protocol 2.15, kernel_version
# pointer at 0x20E (0x100 → string at 0x300).
bzimage() {
    mkdir -p "$(dirname "$1")"
    python3 - "$1" "$2" <<'EOF'
import struct, sys
b = bytearray(1024)
b[0x1FE:0x200] = struct.pack('<H', 0xAA55)
b[0x202:0x206] = b'HdrS'
b[0x206:0x208] = struct.pack('<H', 0x020F)
b[0x20E:0x210] = struct.pack('<H', 0x100)
s = sys.argv[2].encode() + b'\0'
b[0x300:0x300 + len(s)] = s
open(sys.argv[1], 'wb').write(bytes(b))
EOF
}

RULE='SUBSYSTEM=="net", ACTION!="remove", DRIVERS=="mana|mlx4_core|mlx5_core", ATTR{flags}=="0x?[89ABCDEF]??", ENV{AZURE_UNMANAGED_SRIOV}="1", ENV{ID_NET_MANAGED_BY}="unmanaged", ENV{NM_UNMANAGED}="1"'

modules() {  # modules ROOT RELEASE SUFFIX
    local m=$1/$2
    for f in kernel/drivers/hv/hv_vmbus kernel/drivers/net/hyperv/hv_netvsc kernel/drivers/pci/controller/pci-hyperv \
        kernel/drivers/net/ethernet/mellanox/mlx4/mlx4_core kernel/drivers/net/ethernet/mellanox/mlx5/core/mlx5_core \
        kernel/drivers/net/ethernet/microsoft/mana/mana kernel/drivers/net/ethernet/intel/e1000/e1000; do
        e "$m/$f$3"
    done
}

# ---------------------------------------------------------------- Debian 12, merged /usr
D=$T/inspect-debian12
rm -rf "$D"; mkdir -p "$D/usr/bin" "$D/usr/sbin" "$D/usr/lib"
l usr/lib "$D/lib"; l usr/bin "$D/bin"; l usr/sbin "$D/sbin"
w "$D/usr/lib/os-release" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
EOF
l ../usr/lib/os-release "$D/etc/os-release"
K=6.1.0-28-cloud-amd64
C=6.12.0-custom
w "$D/var/lib/dpkg/status" <<EOF
Package: cloud-init
Status: install ok installed
Priority: optional
Section: admin
Installed-Size: 2969
Maintainer: Debian Cloud Team <debian-cloud@lists.debian.org>
Architecture: all
Version: 22.4.2-1+deb12u1
Description: initialization system for infrastructure cloud instances
 Cloud-init provides a framework and tools to configure and customize virtual
 machines instances for Infrastructure-as-a-Service (IaaS) clouds platforms.

Package: linux-image-$K
Status: install ok installed
Architecture: amd64
Source: linux-signed-amd64 (6.1.119+1)
Version: 6.1.119-1
Description: Linux 6.1 for x86-64 cloud

Package: systemd
Status: install ok installed
Architecture: amd64
Multi-Arch: foreign
Version: 252.30-1~deb12u2
Description: system and service manager

Package: ifupdown
Status: install ok installed
Architecture: amd64
Version: 0.8.41
Description: high level tools to configure network interfaces

Package: isc-dhcp-client
Status: hold ok installed
Architecture: amd64
Version: 4.4.3-P1-2
Description: DHCP client for automatically obtaining an IP address

Package: network-manager
Status: deinstall ok config-files
Architecture: amd64
Version: 1.42.4-1
Description: network management framework (daemon and userspace tools)

Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Version: 2.36-9+deb12u9
Description: GNU C Library: Shared libraries
EOF
w "$D/var/lib/dpkg/info/linux-image-$K.list" <<EOF
/.
/boot
/boot/System.map-$K
/boot/config-$K
/boot/vmlinuz-$K
/lib
/lib/modules
/lib/modules/$K
/lib/modules/$K/kernel/drivers/hv/hv_vmbus.ko
/lib/modules/$K/modules.builtin
EOF
w "$D/var/lib/dpkg/info/libc6:amd64.list" <<'EOF'
/.
/lib/x86_64-linux-gnu/libc.so.6
EOF
w "$D/var/lib/dpkg/info/cloud-init.list" <<'EOF'
/usr/lib/python3/dist-packages/cloudinit/version.py
EOF
touch -d @1700000000 "$D/var/lib/dpkg/info/cloud-init.list"
modules "$D/usr/lib/modules" "$K" .ko
w "$D/usr/lib/modules/$K/modules.builtin" <<'EOF'
kernel/drivers/block/virtio_blk.ko
EOF
l /usr/src/linux-headers-$K "$D/usr/lib/modules/$K/build"
bzimage "$D/boot/vmlinuz-$K" "$K (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)"
w "$D/boot/config-$K" <<'EOF'
CONFIG_HYPERV=m
CONFIG_HYPERV_NET=m
CONFIG_PCI_HYPERV=m
CONFIG_MLX4_CORE=m
CONFIG_MLX5_CORE=m
CONFIG_MLX5_CORE_EN=y
CONFIG_MICROSOFT_MANA=m
EOF
# A custom kernel no package owns: hv_vmbus built in by config, mana only in modules.builtin,
# mlx4_core =m with its file missing (stripped), mlx5_core with CONFIG_MLX5_CORE_EN unset.
mkdir -p "$D/usr/lib/modules/$C/kernel/drivers/net/hyperv" "$D/usr/lib/modules/$C/kernel/drivers/pci/controller"
e "$D/usr/lib/modules/$C/kernel/drivers/net/hyperv/hv_netvsc.ko.xz"
e "$D/usr/lib/modules/$C/kernel/drivers/pci/controller/pci_hyperv.ko.gz"
w "$D/usr/lib/modules/$C/modules.builtin" <<'EOF'
kernel/drivers/net/ethernet/microsoft/mana/mana.ko
EOF
w "$D/boot/config-$C" <<'EOF'
CONFIG_HYPERV=y
CONFIG_HYPERV_NET=m
CONFIG_PCI_HYPERV=m
CONFIG_MLX4_CORE=m
CONFIG_MLX5_CORE=y
# CONFIG_MLX5_CORE_EN is not set
CONFIG_MICROSOFT_MANA=m
EOF
bzimage "$D/boot/vmlinuz-$C" "$C (builder@example) #1 SMP"
w "$D/boot/grub/grub.cfg" <<EOF
#
# DO NOT EDIT THIS FILE
#
if [ -s \$prefix/grubenv ]; then
  load_env
fi
if [ "\${next_entry}" ] ; then
   set default="\${next_entry}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="1>0"
fi
function load_video {
  insmod all_video
}
menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class gnu --class os \$menuentry_id_option 'gnulinux-simple-1234' {
	load_video
	linux	/boot/vmlinuz-$C root=PARTUUID=1234 ro console=ttyS0
	initrd	/boot/initrd.img-$C
}
submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-1234' {
	menuentry 'Debian GNU/Linux, with Linux $K' --class debian \$menuentry_id_option 'gnulinux-$K-advanced-1234' {
		linux	/boot/vmlinuz-$K root=PARTUUID=1234 ro console=ttyS0
		initrd	/boot/initrd.img-$K
	}
}
EOF
# ifupdown: source + source-directory, eth0 configured, dhclient run by hand on two interfaces.
w "$D/etc/network/interfaces" <<'EOF'
# This file describes the network interfaces available on your system
source /etc/network/interfaces.d/*

# The loopback network interface
auto lo
iface lo inet loopback
source-directory interfaces.extra
EOF
w "$D/etc/network/interfaces.d/50-cloud-init" <<'EOF'
auto eth0
allow-hotplug eth0
iface eth0 inet dhcp
    post-up /sbin/dhclient -v -pf /run/dhclient.eth1.pid eth1 eth2
EOF
w "$D/etc/network/interfaces.extra/eth3" <<'EOF'
iface eth3 inet manual
EOF
w "$D/etc/network/interfaces.extra/ignored.cfg" <<'EOF'
iface ignored0 inet dhcp
EOF
w "$D/usr/lib/systemd/system/networking.service" <<'EOF'
[Service]
Type=oneshot
ExecStart=/sbin/ifup -a --read-environment
EOF
l /lib/systemd/system/networking.service "$D/etc/systemd/system/multi-user.target.wants/networking.service"
w "$D/usr/lib/systemd/system/cloud-init.service" <<'EOF'
[Service]
ExecStart=/usr/bin/cloud-init init
EOF
w "$D/usr/lib/systemd/system/cloud-final.service" <<'EOF'
[Service]
ExecStart=/usr/bin/cloud-init modules --mode=final
EOF
e "$D/usr/lib/systemd/system/cloud-init.target"
l /lib/systemd/system/cloud-init.service "$D/etc/systemd/system/cloud-init.target.wants/cloud-init.service"
l /dev/null "$D/etc/systemd/system/cloud-final.service"
w "$D/usr/lib/python3/dist-packages/cloudinit/version.py" <<'EOF'
# This file is part of cloud-init. See LICENSE file for license information.

__VERSION__ = "22.4.2"
_PACKAGED_VERSION = "@@PACKAGED_VERSION@@"

FEATURES = [
    # supports network config version 1
    "NETWORK_CONFIG_V1",
]
EOF
w "$D/usr/lib/python3/dist-packages/cloudinit/net/__init__.py" <<'EOF'
def filter_out_mlx4_and_mlx5(interfaces):
    return interfaces
EOF
w "$D/etc/cloud/cloud.cfg" <<'EOF'
# The top level settings are used as module
# and base configuration.
datasource_list: [ NoCloud, ConfigDrive, Azure ]
users:
   - default
EOF
w "$D/etc/cloud/cloud.cfg.d/90_dpkg.cfg" <<'EOF'
# to update this file, run dpkg-reconfigure cloud-init
datasource_list: [ NoCloud, None ]
EOF
w "$D/etc/cloud/cloud.cfg.d/README" <<'EOF'
not a .cfg file: never read
datasource_list: [ Azure ]
EOF
e "$D/etc/cloud/cloud-init.disabled"
# The rule: vendor copy present, masked by /etc.
echo "$RULE" | w "$D/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules"
l /dev/null "$D/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"
w "$D/etc/NetworkManager/conf.d/99-azure-unmanaged-devices.conf" <<'EOF'
# Ignore SR-IOV interface on Azure, since it's transparently bonded
# to the synthetic interface
[keyfile]
unmanaged-devices=driver:mlx4_core;driver:mlx5_core
EOF

# ---------------------------------------------------------------- Ubuntu 24.04, separate /lib
U=$T/inspect-ubuntu2404
rm -rf "$U"
w "$U/etc/os-release" <<'EOF'
PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
ID=ubuntu
ID_LIKE=debian
EOF
KU=6.8.0-1021-azure
w "$U/var/lib/dpkg/status" <<EOF
Package: cloud-init
Status: install ok installed
Architecture: all
Version: 24.4-0ubuntu1~24.04.2

Package: azure-vm-utils
Status: install ok installed
Architecture: amd64
Version: 0.6.0-4~ubuntu0.24.04.1

Package: systemd
Status: install ok installed
Architecture: amd64
Version: 255.4-1ubuntu8.4

Package: netplan.io
Status: install ok installed
Architecture: amd64
Version: 1.1.1-1~ubuntu24.04.1

Package: network-manager
Status: install ok installed
Architecture: amd64
Version: 1.46.0-1ubuntu2

Package: linux-image-$KU
Status: install ok installed
Architecture: amd64
Version: 6.8.0-1021.25
EOF
w "$U/var/lib/dpkg/info/linux-image-$KU.list" <<EOF
/boot/vmlinuz-$KU
EOF
w "$U/var/lib/dpkg/info/azure-vm-utils.list" <<'EOF'
/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules
/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov
EOF
touch -d @1700000100 "$U/var/lib/dpkg/info/azure-vm-utils.list"
modules "$U/lib/modules" "$KU" .ko.zst
bzimage "$U/boot/vmlinuz-$KU" "$KU (buildd@lcy02-amd64-001) #25-Ubuntu SMP"
w "$U/etc/default/grub" <<'EOF'
GRUB_DEFAULT=0
GRUB_TIMEOUT=0
GRUB_CMDLINE_LINUX=""
EOF
echo "$RULE" | w "$U/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules"
w "$U/etc/udev/rules.d/10-azure-unmanaged-sriov.rules" <<'EOF'
# Local copy, edited: mlx5_core was dropped.
SUBSYSTEM=="net", ACTION!="remove", \
    DRIVERS=="mana|mlx4_core", ATTR{flags}=="0x?[89ABCDEF]??", \
    ENV{AZURE_UNMANAGED_SRIOV}="1", ENV{ID_NET_MANAGED_BY}="unmanaged", ENV{NM_UNMANAGED}="1"
EOF
w "$U/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov" <<'EOF'
#!/bin/sh
# copies the rule into the initramfs
EOF
w "$U/etc/netplan/50-cloud-init.yaml" <<'EOF'
network:
    version: 2
    ethernets:
        eth0:
            dhcp4: true
            match:
                macaddress: 00:0d:3a:12:34:56
            set-name: eth0
EOF
w "$U/etc/netplan/60-bound.yaml" <<'EOF'
network:
  version: 2
  renderer: networkd
  ethernets:
    eth1:
      match:
        macaddress: "00:0d:3a:12:34:57"
        driver: hv_netvsc
      dhcp4: true
EOF
w "$U/etc/systemd/network/01-azure-unmanaged.network" <<'EOF'
[Match]
Property=AZURE_UNMANAGED_SRIOV=1

[Link]
Unmanaged=yes
EOF
w "$U/lib/systemd/network/10-mac.network" <<'EOF'
[Match]
MACAddress=00:0d:3a:aa:bb:cc

[Network]
DHCP=yes
EOF
w "$U/etc/systemd/network/10-mac.network" <<'EOF'
[Match]
MACAddress=00:0d:3a:aa:bb:cc
Driver=hv_netvsc

[Network]
DHCP=yes
EOF
w "$U/lib/systemd/network/80-lo.network" <<'EOF'
[Match]
Name=lo
EOF
w "$U/etc/NetworkManager/system-connections/eth0.nmconnection" <<'EOF'
[connection]
id=eth0
type=ethernet

[ethernet]
mac-address=00:0D:3A:12:34:56
EOF
w "$U/etc/NetworkManager/system-connections/bound.nmconnection" <<'EOF'
[connection]
id=bound
type=ethernet
interface-name=eth0

[ethernet]
mac-address=00:0D:3A:12:34:56
EOF
w "$U/lib/systemd/system/systemd-networkd.service" <<'EOF'
[Service]
ExecStart=!!/lib/systemd/systemd-networkd
EOF
e "$U/lib/systemd/systemd-networkd"
w "$U/lib/systemd/system/NetworkManager.service" <<'EOF'
[Service]
ExecStart=/usr/sbin/NetworkManager --no-daemon
EOF
e "$U/usr/sbin/NetworkManager"
w "$U/lib/systemd/system/dhclient@.service" <<'EOF'
[Unit]
Description=dhclient on %i

[Service]
ExecStart=-/sbin/dhclient -d -4 -lf /var/lib/dhcp/dhclient.%i.leases %i
EOF
l /lib/systemd/system/systemd-networkd.service "$U/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
l /lib/systemd/system/NetworkManager.service "$U/etc/systemd/system/multi-user.target.wants/NetworkManager.service"
l /lib/systemd/system/dhclient@.service "$U/etc/systemd/system/multi-user.target.wants/dhclient@eth0.service"
w "$U/etc/rc.local" <<'EOF'
#!/bin/sh -e
# run dhclient on every interface
dhclient -nw || true
exit 0
EOF
chmod +x "$U/etc/rc.local"
w "$U/usr/lib/python3/dist-packages/cloudinit/version.py" <<'EOF'
__VERSION__ = "24.4"
_PACKAGED_VERSION = "24.4-0ubuntu1~24.04.2"
EOF
w "$U/usr/lib/python3/dist-packages/cloudinit/net/__init__.py" <<'EOF'
def filter_hyperv_vf_with_synthetic_interface(
    filtered_interfaces, interfaces):
    pass
EOF
w "$U/etc/cloud/cloud.cfg.d/90-azure.cfg" <<'EOF'
datasource_list: [ Azure ]
EOF

# ---------------------------------------------------------------- RHEL 9: rpm, BLS, dracut, ifcfg
R=$T/inspect-rhel9
rm -rf "$R"; mkdir -p "$R/usr/lib"
l usr/lib "$R/lib"
w "$R/usr/lib/os-release" <<'EOF'
NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
EOF
l ../usr/lib/os-release "$R/etc/os-release"
e "$R/var/lib/rpm/rpmdb.sqlite"
for KR in 5.14.0-427.13.1.el9_4.x86_64 5.14.0-503.11.1.el9_5.x86_64; do
    modules "$R/usr/lib/modules" "$KR" .ko.xz
    bzimage "$R/usr/lib/modules/$KR/vmlinuz" "$KR (mockbuild@x86-64-01.build.eng.rdu2.redhat.com) #1 SMP PREEMPT_DYNAMIC"
    w "$R/boot/loader/entries/0123456789abcdef-$KR.conf" <<EOF
title Red Hat Enterprise Linux ($KR) 9.4 (Plow)
version $KR
linux /vmlinuz-$KR
initrd /initramfs-$KR.img \$tuned_initrd
options root=UUID=1234 ro
EOF
done
w "$R/boot/grub2/grub.cfg" <<'EOF'
set default="${saved_entry}"
insmod blscfg
blscfg
EOF
printf '# GRUB Environment Block\nsaved_entry=0123456789abcdef-5.14.0-427.13.1.el9_4.x86_64\n' | w "$R/boot/grub2/grubenv"
w "$R/usr/lib/dracut/modules.d/97azure-unmanaged-sriov/module-setup.sh" <<'EOF'
#!/bin/bash
install() { inst_rules 10-azure-unmanaged-sriov.rules; }
EOF
mkdir -p "$R/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"
echo "a directory where the rule should be" >"$R/etc/udev/rules.d/10-azure-unmanaged-sriov.rules/README"
w "$R/etc/sysconfig/network-scripts/ifcfg-eth0" <<'EOF'
BOOTPROTO=dhcp
HWADDR="00:0d:3a:01:02:03"
ONBOOT=yes
TYPE=Ethernet
EOF
w "$R/etc/sysconfig/network-scripts/ifcfg-lo" <<'EOF'
DEVICE=lo
EOF
e "$R/usr/sbin/NetworkManager"
# network-scripts installed and started by its SysV link (no native network.service).
printf '#!/bin/sh\n# network-scripts SysV service\n' | w "$R/etc/rc.d/init.d/network"
l ../init.d/network "$R/etc/rc.d/rc3.d/S10network"
w "$R/usr/lib/systemd/system/NetworkManager.service" <<'EOF'
[Service]
ExecStart=/usr/sbin/NetworkManager --no-daemon
EOF
l /usr/lib/systemd/system/NetworkManager.service "$R/etc/systemd/system/multi-user.target.wants/NetworkManager.service"
l NetworkManager.service "$R/etc/systemd/system/dbus-org.freedesktop.NetworkManager.service"
# A unit symlink loop.
l loop-b.service "$R/etc/systemd/system/loop-a.service"
l loop-a.service "$R/etc/systemd/system/loop-b.service"
l /etc/systemd/system/loop-a.service "$R/etc/systemd/system/multi-user.target.wants/loop-a.service"
e "$R/usr/lib64/systemd/libsystemd-shared-252.so"
w "$R/usr/lib/python3.9/site-packages/cloudinit/version.py" <<'EOF'
__VERSION__ = "23.4"
_PACKAGED_VERSION = '23.4-7.el9_4.5'
EOF
w "$R/usr/local/lib/python3.12/site-packages/cloudinit/meson_versions.py" <<'EOF'
UPSTREAM_VERSION = "26.1"
EOF
printf 'azure-nvme-id %%s\n\0GLIBC_2.2.5\0GCC: (GNU) 11.4.1 20231218\0v0.6.0-2-g1a2b3c4\0usage\0' | w "$R/usr/sbin/azure-nvme-id"

# ---------------------------------------------------------------- Damaged input
B=$T/inspect-damaged
rm -rf "$B"
printf 'ID=debian\nVERSION_ID="12"\n\0\0\x7fELF\x02\x01\x01' | w "$B/etc/os-release"
w "$B/var/lib/dpkg/status" <<'EOF'
Package: systemd
Status: install ok installed
Architecture: amd64
Version: 254.5-1~bpo12+3

Package: cloud-init
Status: install ok installed
Architecture: all
Versi
EOF
mkdir -p "$B/lib/modules"
w "$B/etc/network/interfaces" <<'EOF'
auto lo
iface lo inet loopback
source interfaces
EOF
w "$B/lib/systemd/system/networking.service" <<'EOF'
[Service]
ExecStart=/sbin/ifup -a
EOF
e "$B/sbin/ifup"
l /lib/systemd/system/networking.service "$B/etc/systemd/system/multi-user.target.wants/networking.service"
e "$B/usr/lib/systemd/libsystemd-shared-254.so"
w "$B/etc/cloud/cloud.cfg" <<'EOF'
datasource_list: [ Azure
  this: is: not yaml
EOF
l ../../tmp/nowhere "$B/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"
echo "trees written under $T" >&2
