#ifndef IMAGEGATE_CARCHIVE_H
#define IMAGEGATE_CARCHIVE_H

// libarchive for rootfs tarballs and initramfs listings, opened with dlopen on first use rather
// than linked: with libxml2 and ICU, which it pulls in, it was about 1 ms of dynamic linking at
// every start (an empty C program linked with it: 3.7 ms of CPU against 2.7 without), paid by
// every qcow2 and VHD check, which never reads an archive. Only the types and constants come from
// archive.h; every call goes through the table the loader fills (curl_loader.c does the same for
// libcurl).
#include <archive.h>
#include <archive_entry.h>

/// NULL once libarchive is open; otherwise why not (a string that lives as long as the process).
/// The first call loads; later ones only answer. Safe from any thread. `ig_archive_read_new`
/// calls it and returns NULL when it fails; every other function takes what that one returned,
/// or an entry read through it.
const char *ig_archive_load(void);

struct archive *ig_archive_read_new(void);
int ig_archive_read_free(struct archive *a);
int ig_archive_read_support_filter_all(struct archive *a);
int ig_archive_read_support_format_tar(struct archive *a);
int ig_archive_read_support_format_gnutar(struct archive *a);
int ig_archive_read_support_format_cpio(struct archive *a);
int ig_archive_read_open(struct archive *a, void *client, archive_open_callback *open, archive_read_callback *read,
                         archive_close_callback *close);
int ig_archive_read_next_header(struct archive *a, struct archive_entry **entry);
la_ssize_t ig_archive_read_data(struct archive *a, void *buffer, size_t size);
la_int64_t ig_archive_read_header_position(struct archive *a);
const char *ig_archive_error_string(struct archive *a);
la_int64_t ig_archive_filter_bytes(struct archive *a, int n);
const char *ig_archive_filter_name(struct archive *a, int n);

const char *ig_archive_entry_pathname(struct archive_entry *e);
const char *ig_archive_entry_pathname_utf8(struct archive_entry *e);
const char *ig_archive_entry_hardlink(struct archive_entry *e);
const char *ig_archive_entry_hardlink_utf8(struct archive_entry *e);
const char *ig_archive_entry_symlink(struct archive_entry *e);
const char *ig_archive_entry_symlink_utf8(struct archive_entry *e);
__LA_MODE_T ig_archive_entry_mode(struct archive_entry *e);
la_int64_t ig_archive_entry_size(struct archive_entry *e);
int ig_archive_entry_size_is_set(struct archive_entry *e);
la_int64_t ig_archive_entry_uid(struct archive_entry *e);
la_int64_t ig_archive_entry_gid(struct archive_entry *e);
time_t ig_archive_entry_mtime(struct archive_entry *e);
unsigned int ig_archive_entry_nlink(struct archive_entry *e);
la_int64_t ig_archive_entry_ino64(struct archive_entry *e);

#endif
