#ifndef IMAGEGATE_CCURL_H
#define IMAGEGATE_CCURL_H

// libcurl for RemoteIO, opened with dlopen on the first URL rather than linked: its closure of
// some thirty shared libraries (TLS, Kerberos, LDAP, HTTP/2, IDN) cost about 6 ms of dynamic
// linking at every start, half of `imagegate --version` (12 ms), whether or not a URL is read.
// Only the types and constants come from curl.h; every call goes through the table the loader
// fills. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// wrapper per argument type.
#include <curl/curl.h>

/// NULL once libcurl is open and curl_global_init has succeeded; otherwise why not (a string
/// that lives as long as the process). The first call loads; later ones only answer. Safe from
/// any thread. Call it, and see NULL, before any other function here.
const char *ig_curl_load(void);

CURL *ig_curl_easy_init(void);
void ig_curl_easy_cleanup(CURL *h);
CURLcode ig_curl_easy_perform(CURL *h);
const char *ig_curl_easy_strerror(CURLcode code);
struct curl_slist *ig_curl_slist_append(struct curl_slist *list, const char *line);
void ig_curl_slist_free_all(struct curl_slist *list);

CURLcode ig_curl_set_long(CURL *h, CURLoption o, long v);
CURLcode ig_curl_set_string(CURL *h, CURLoption o, const char *v);
CURLcode ig_curl_set_pointer(CURL *h, CURLoption o, void *v);
CURLcode ig_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v);
typedef size_t (*ig_curl_write_fn)(char *, size_t, size_t, void *);
CURLcode ig_curl_set_write_function(CURL *h, CURLoption o, ig_curl_write_fn f);
CURLcode ig_curl_get_long(CURL *h, CURLINFO i, long *v);

#endif
