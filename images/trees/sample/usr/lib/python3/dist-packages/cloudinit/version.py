# This file is part of cloud-init. See LICENSE file for license information.

__VERSION__ = "22.4.2"
_PACKAGED_VERSION = "22.4.2-0ubuntu0~22.04.1"

FEATURES = [
    "NETWORK_CONFIG_V1",
]


def version_string():
    """Extract a version string from cloud-init."""
    if not _PACKAGED_VERSION.startswith("@@"):
        return _PACKAGED_VERSION
    return __VERSION__
