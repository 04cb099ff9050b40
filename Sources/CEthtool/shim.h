#ifndef IMAGEGATE_CETHTOOL_SHIM_H
#define IMAGEGATE_CETHTOOL_SHIM_H

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/// SIOCETHTOOL on the interface `name` with the ethtool command block `data` (`struct
/// ethtool_sset_info`, `ethtool_gstrings`, `ethtool_stats`). Here because `ioctl` is variadic,
/// which Swift cannot call. Returns ioctl's result; -1 with errno ENAMETOOLONG for a name that
/// does not fit `ifr_name`.
static inline int imagegate_ethtool(int fd, const char *name, void *data) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (strlen(name) >= IFNAMSIZ) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(ifr.ifr_name, name, strlen(name));
    ifr.ifr_data = data;
    return ioctl(fd, SIOCETHTOOL, &ifr);
}

#endif
