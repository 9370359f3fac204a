/* http_mhd: the dlopen'd libmicrohttpd entry points. */
#include "transport/http_mhd.h"

#include <dlfcn.h>
#include <string.h>

http_mhd_api http_mhd;

/* dlsym's object pointer into a function pointer (POSIX guarantees the
 * representations match). */
#define RESOLVE(field, name) \
    do { void *sym_ = dlsym(lib, name); \
         if (!sym_) goto missing; \
         memcpy(&api.field, &sym_, sizeof sym_); } while (0)

int http_mhd_load(err *e)
{
    if (http_mhd.start_daemon)
        return 0;
    /* Linux's name, then macOS's (Homebrew's lib folders are not on the
     * default search path there). */
    static const char *const names[] = { "libmicrohttpd.so.12", "libmicrohttpd.12.dylib",
                                         "/opt/homebrew/lib/libmicrohttpd.12.dylib",
                                         "/usr/local/lib/libmicrohttpd.12.dylib" };
    void *lib = NULL;
    for (size_t i = 0; !lib && i < sizeof names / sizeof names[0]; i++)
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return err_set(e, ERR_INTERNAL, "--http needs libmicrohttpd (Debian package "
                       "libmicrohttpd12, Homebrew libmicrohttpd): %s", dlerror());
    http_mhd_api api;
    RESOLVE(start_daemon, "MHD_start_daemon");
    RESOLVE(stop_daemon, "MHD_stop_daemon");
    RESOLVE(add_response_header, "MHD_add_response_header");
    RESOLVE(queue_response, "MHD_queue_response");
    RESOLVE(get_connection_info, "MHD_get_connection_info");
    RESOLVE(destroy_response, "MHD_destroy_response");
    RESOLVE(create_response_from_callback, "MHD_create_response_from_callback");
    RESOLVE(lookup_connection_value, "MHD_lookup_connection_value");
    RESOLVE(create_response_from_buffer, "MHD_create_response_from_buffer");
    RESOLVE(get_connection_values, "MHD_get_connection_values");
    RESOLVE(is_feature_supported, "MHD_is_feature_supported");
    RESOLVE(suspend_connection, "MHD_suspend_connection");
    RESOLVE(resume_connection, "MHD_resume_connection");
    http_mhd = api;
    return 0;
missing:
    err_set(e, ERR_INTERNAL, "libmicrohttpd.so.12 lacks a function slicer-mcp needs: %s", dlerror());
    dlclose(lib);
    return -1;
}
