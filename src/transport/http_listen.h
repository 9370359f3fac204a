/* http_listen: a bound, listening socket for the HTTP transport. */
#ifndef HTTP_LISTEN_H
#define HTTP_LISTEN_H

#include <stddef.h>
#include "util/err.h"

/* spec is "HOST:PORT", "[V6]:PORT" or "PORT" (127.0.0.1); opt names the
 * option it came from, for messages.  A non-loopback address is refused
 * when remote_refused is set: the rest of the message ("metrics without
 * ...: that address is reachable from other machines").  Returns the
 * socket with *loopback set and the bound address ("127.0.0.1:8765",
 * "[::1]:8765") in shown, or -1 with e. */
int http_listen_on(const char *opt, const char *spec, const char *remote_refused, int *loopback, char *shown,
                   size_t shown_n, err *e);

#endif
