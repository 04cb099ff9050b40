# This file is part of cloud-init. See LICENSE file for license information.

__VERSION__ = "22.4.2"
_PACKAGED_VERSION = "@@PACKAGED_VERSION@@"

FEATURES = [
    # supports network config version 1
    "NETWORK_CONFIG_V1",
]
