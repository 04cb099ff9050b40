#include "library_loader.h"

#include <dlfcn.h>
#include <stdio.h>

void *ig_open_first_library(const char *const *names, size_t count, char *why, size_t why_size) {
    void *lib = NULL;
    if (why_size > 0) snprintf(why, why_size, "not found");
    for (size_t i = 0; i < count && lib == NULL; i++) {
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        const char *error = lib == NULL && i == 0 ? dlerror() : NULL;
        if (error != NULL && why_size > 0) snprintf(why, why_size, "%s", error);
    }
    return lib;
}
