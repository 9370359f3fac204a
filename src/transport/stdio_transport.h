/* stdio_transport: MCP over newline-delimited stdin/stdout.  Only frames
 * bytes: every complete line goes to the core, every reply and
 * notification goes out as one line.  While a call runs it reads ahead
 * so a notifications/cancelled for that call is seen at once. */
#ifndef STDIO_TRANSPORT_H
#define STDIO_TRANSPORT_H

#include "mcp/mcp.h"

/* Called between requests; returns non-zero to stop (e.g. a signal). */
typedef int (*stdio_idle_fn)(void *ud, mcp_session *s,
                             void (*send)(void *sud, const char *json, size_t len),
                             void *sud);

/* Serves until stdin reaches EOF (after finishing the call in flight) or
 * stdout breaks.  Returns 0, or -1 if stdout failed. */
int stdio_run(mcp *m, int in_fd, int out_fd, stdio_idle_fn idle, void *idle_ud);

#endif
