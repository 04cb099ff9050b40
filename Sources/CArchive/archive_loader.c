#include "carchive.h"

#include <dlfcn.h>
#include <library_loader.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    struct archive *(*read_new)(void);
    int (*read_free)(struct archive *);
    int (*support_filter_all)(struct archive *);
    int (*support_format_tar)(struct archive *);
    int (*support_format_gnutar)(struct archive *);
    int (*support_format_cpio)(struct archive *);
    int (*read_open)(struct archive *, void *, archive_open_callback *, archive_read_callback *,
                     archive_close_callback *);
    int (*read_next_header)(struct archive *, struct archive_entry **);
    la_ssize_t (*read_data)(struct archive *, void *, size_t);
    la_int64_t (*read_header_position)(struct archive *);
    const char *(*error_string)(struct archive *);
    la_int64_t (*filter_bytes)(struct archive *, int);
    const char *(*filter_name)(struct archive *, int);
    const char *(*entry_pathname)(struct archive_entry *);
    const char *(*entry_pathname_utf8)(struct archive_entry *);
    const char *(*entry_hardlink)(struct archive_entry *);
    const char *(*entry_hardlink_utf8)(struct archive_entry *);
    const char *(*entry_symlink)(struct archive_entry *);
    const char *(*entry_symlink_utf8)(struct archive_entry *);
    __LA_MODE_T (*entry_mode)(struct archive_entry *);
    la_int64_t (*entry_size)(struct archive_entry *);
    int (*entry_size_is_set)(struct archive_entry *);
    la_int64_t (*entry_uid)(struct archive_entry *);
    la_int64_t (*entry_gid)(struct archive_entry *);
    time_t (*entry_mtime)(struct archive_entry *);
    unsigned int (*entry_nlink)(struct archive_entry *);
    la_int64_t (*entry_ino64)(struct archive_entry *);
} la;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *problem = "libarchive was not loaded";
static char message[512];

// The names Debian's libarchive13 (the soname), a -dev package's unversioned link, and macOS give
// the library.
static const char *const names[] = {"libarchive.so.13", "libarchive.so", "libarchive.13.dylib"};

static void load(void) {
    char why[256];
    void *lib = ig_open_first_library(names, sizeof names / sizeof names[0], why, sizeof why);
    if (lib == NULL) {
        snprintf(message, sizeof message,
                 "libarchive could not be loaded (%s); a raw disk, a tarball and an initramfs need it (Debian: apt-get "
                 "install libarchive13)",
                 why);
        problem = message;
        return;
    }
    // POSIX lets a dlsym result be converted to a function pointer through this cast.
#define RESOLVE(field, name)                                              \
    if ((*(void **)&la.field = dlsym(lib, name)) == NULL) {               \
        snprintf(message, sizeof message, "libarchive has no %s", name); \
        problem = message;                                                \
        return;                                                           \
    }
    RESOLVE(read_new, "archive_read_new")
    RESOLVE(read_free, "archive_read_free")
    RESOLVE(support_filter_all, "archive_read_support_filter_all")
    RESOLVE(support_format_tar, "archive_read_support_format_tar")
    RESOLVE(support_format_gnutar, "archive_read_support_format_gnutar")
    RESOLVE(support_format_cpio, "archive_read_support_format_cpio")
    RESOLVE(read_open, "archive_read_open")
    RESOLVE(read_next_header, "archive_read_next_header")
    RESOLVE(read_data, "archive_read_data")
    RESOLVE(read_header_position, "archive_read_header_position")
    RESOLVE(error_string, "archive_error_string")
    RESOLVE(filter_bytes, "archive_filter_bytes")
    RESOLVE(filter_name, "archive_filter_name")
    RESOLVE(entry_pathname, "archive_entry_pathname")
    RESOLVE(entry_pathname_utf8, "archive_entry_pathname_utf8")
    RESOLVE(entry_hardlink, "archive_entry_hardlink")
    RESOLVE(entry_hardlink_utf8, "archive_entry_hardlink_utf8")
    RESOLVE(entry_symlink, "archive_entry_symlink")
    RESOLVE(entry_symlink_utf8, "archive_entry_symlink_utf8")
    RESOLVE(entry_mode, "archive_entry_mode")
    RESOLVE(entry_size, "archive_entry_size")
    RESOLVE(entry_size_is_set, "archive_entry_size_is_set")
    RESOLVE(entry_uid, "archive_entry_uid")
    RESOLVE(entry_gid, "archive_entry_gid")
    RESOLVE(entry_mtime, "archive_entry_mtime")
    RESOLVE(entry_nlink, "archive_entry_nlink")
    RESOLVE(entry_ino64, "archive_entry_ino64")
#undef RESOLVE
    problem = NULL;
}

const char *ig_archive_load(void) {
    pthread_once(&once, load);
    return problem;
}

struct archive *ig_archive_read_new(void) { return ig_archive_load() == NULL ? la.read_new() : NULL; }
int ig_archive_read_free(struct archive *a) { return la.read_free(a); }
int ig_archive_read_support_filter_all(struct archive *a) { return la.support_filter_all(a); }
int ig_archive_read_support_format_tar(struct archive *a) { return la.support_format_tar(a); }
int ig_archive_read_support_format_gnutar(struct archive *a) { return la.support_format_gnutar(a); }
int ig_archive_read_support_format_cpio(struct archive *a) { return la.support_format_cpio(a); }
int ig_archive_read_open(struct archive *a, void *client, archive_open_callback *open, archive_read_callback *read,
                         archive_close_callback *close) {
    return la.read_open(a, client, open, read, close);
}
int ig_archive_read_next_header(struct archive *a, struct archive_entry **entry) {
    return la.read_next_header(a, entry);
}
la_ssize_t ig_archive_read_data(struct archive *a, void *buffer, size_t size) { return la.read_data(a, buffer, size); }
la_int64_t ig_archive_read_header_position(struct archive *a) { return la.read_header_position(a); }
const char *ig_archive_error_string(struct archive *a) { return la.error_string(a); }
la_int64_t ig_archive_filter_bytes(struct archive *a, int n) { return la.filter_bytes(a, n); }
const char *ig_archive_filter_name(struct archive *a, int n) { return la.filter_name(a, n); }

const char *ig_archive_entry_pathname(struct archive_entry *e) { return la.entry_pathname(e); }
const char *ig_archive_entry_pathname_utf8(struct archive_entry *e) { return la.entry_pathname_utf8(e); }
const char *ig_archive_entry_hardlink(struct archive_entry *e) { return la.entry_hardlink(e); }
const char *ig_archive_entry_hardlink_utf8(struct archive_entry *e) { return la.entry_hardlink_utf8(e); }
const char *ig_archive_entry_symlink(struct archive_entry *e) { return la.entry_symlink(e); }
const char *ig_archive_entry_symlink_utf8(struct archive_entry *e) { return la.entry_symlink_utf8(e); }
__LA_MODE_T ig_archive_entry_mode(struct archive_entry *e) { return la.entry_mode(e); }
la_int64_t ig_archive_entry_size(struct archive_entry *e) { return la.entry_size(e); }
int ig_archive_entry_size_is_set(struct archive_entry *e) { return la.entry_size_is_set(e); }
la_int64_t ig_archive_entry_uid(struct archive_entry *e) { return la.entry_uid(e); }
la_int64_t ig_archive_entry_gid(struct archive_entry *e) { return la.entry_gid(e); }
time_t ig_archive_entry_mtime(struct archive_entry *e) { return la.entry_mtime(e); }
unsigned int ig_archive_entry_nlink(struct archive_entry *e) { return la.entry_nlink(e); }
la_int64_t ig_archive_entry_ino64(struct archive_entry *e) { return la.entry_ino64(e); }
