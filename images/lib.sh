# Shared helpers for fixture scripts. Each fixture script is run by images/build.sh with
# OUT set to an empty folder it must fill, and must be deterministic (fixed UUIDs, seeds, times).
set -euo pipefail
export LC_ALL=C TZ=UTC
export SOURCE_DATE_EPOCH=1700000000
export E2FSPROGS_FAKE_TIME=1700000000
IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TREES="$IMAGES_DIR/trees"

# Every file of a tree gets the same mtime so images are reproducible.
fixed_times() { find "$1" -exec touch -h -d @"$SOURCE_DATE_EPOCH" {} +; }

# Attach a file to a free loop device and print the device; detach with `losetup -d`.
loop_attach() { losetup --find --show ${2:+--offset "$2"} ${3:+--sizelimit "$3"} "$1"; }

# LVM without device-mapper: never activate, never zero.
LVM_NOACT=(--config 'global{activation=0} devices{obtain_device_list_from_udev=0}')

# The dependency of a fixture on another one: prints the path of its built output.
fixture_dir() { "$IMAGES_DIR/build.sh" --print "$1"; }
