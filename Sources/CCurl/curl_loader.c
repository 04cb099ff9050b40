#include "ccurl.h"

#include <dlfcn.h>
#include <library_loader.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *problem = "libcurl was not loaded";
static char message[512];

// The names Debian (libcurl4, either TLS flavour's package installs libcurl.so.4), a -dev
// package's unversioned link, and macOS give the library.
static const char *const names[] = {"libcurl.so.4", "libcurl.so", "libcurl.4.dylib"};

static void load(void) {
    char why[256];
    void *lib = ig_open_first_library(names, sizeof names / sizeof names[0], why, sizeof why);
    if (lib == NULL) {
        snprintf(message, sizeof message,
                 "libcurl could not be loaded (%s); reading a URL needs it (Debian: apt-get install libcurl4)", why);
        problem = message;
        return;
    }
    // POSIX lets a dlsym result be converted to a function pointer through this cast.
#define RESOLVE(field, name)                                           \
    if ((*(void **)&curl.field = dlsym(lib, name)) == NULL) {          \
        snprintf(message, sizeof message, "libcurl has no %s", name); \
        problem = message;                                             \
        return;                                                        \
    }
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(easy_init, "curl_easy_init")
    RESOLVE(easy_cleanup, "curl_easy_cleanup")
    RESOLVE(easy_perform, "curl_easy_perform")
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
#undef RESOLVE
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        problem = "libcurl could not be initialised (curl_global_init failed)";
        return;
    }
    problem = NULL;
}

const char *ig_curl_load(void) {
    pthread_once(&once, load);
    return problem;
}

CURL *ig_curl_easy_init(void) { return ig_curl_load() == NULL ? curl.easy_init() : NULL; }
void ig_curl_easy_cleanup(CURL *h) { curl.easy_cleanup(h); }
CURLcode ig_curl_easy_perform(CURL *h) { return curl.easy_perform(h); }
const char *ig_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }
struct curl_slist *ig_curl_slist_append(struct curl_slist *list, const char *line) {
    return curl.slist_append(list, line);
}
void ig_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLcode ig_curl_set_long(CURL *h, CURLoption o, long v) { return curl.easy_setopt(h, o, v); }
CURLcode ig_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl.easy_setopt(h, o, v); }
CURLcode ig_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl.easy_setopt(h, o, v); }
CURLcode ig_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl.easy_setopt(h, o, v); }
CURLcode ig_curl_set_write_function(CURL *h, CURLoption o, ig_curl_write_fn f) {
    return curl.easy_setopt(h, o, f);
}
CURLcode ig_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl.easy_getinfo(h, i, v); }
