#ifndef IMAGEGATE_LIBRARY_LOADER_H
#define IMAGEGATE_LIBRARY_LOADER_H

// The one dlopen loop of the libraries imagegate opens on first use rather than links (libcurl in
// CCurl, libarchive in CArchive): each keeps its own table of functions and its own message.
#include <stddef.h>

/// The first of `names` that dlopen opens (RTLD_NOW | RTLD_LOCAL), or NULL with the first name's
/// failure in `why` ("not found" when dlerror says nothing): that one names the library as
/// installed, and a later name's dlerror would overwrite it.
void *ig_open_first_library(const char *const *names, size_t count, char *why, size_t why_size);

#endif
