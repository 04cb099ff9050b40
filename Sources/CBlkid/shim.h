#include <blkid/blkid.h>
#include <sys/syscall.h>
#include <unistd.h>

/// memfd_create(2) is not exported by Swift's Glibc module and syscall(2) is variadic, so Swift
/// cannot call either: this wrapper creates an anonymous, sparse, close-on-exec memory file.
static inline int imagegate_memfd_create(const char *name) {
    return (int)syscall(SYS_memfd_create, name, 1u /* MFD_CLOEXEC */);
}
