/* mcpclient: drives the real slicer-mcp binary over stdio for end-to-end
 * tests: spawn with arguments, send lines, read reply lines with a
 * time-out, and convenience wrappers for requests and tool calls. */
#ifndef MCPCLIENT_H
#define MCPCLIENT_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct t_mcp t_mcp;

/* Starts build/slicer-mcp with args (NULL-terminated, may be NULL);
 * stderr goes to a file in the test tmpdir.  The environment variable
 * SLICER_MCP_WRAPPER, when set, is a space-separated command put in front
 * (e.g. valgrind and its options). */
t_mcp *t_mcp_start(const char *const *args);
/* The same with another binary (an installed one). */
t_mcp *t_mcp_start_exe(const char *exe, const char *const *args);
/* Sends one line (a newline is added). */
int    t_mcp_send(t_mcp *m, const char *line);
/* Sends raw bytes as they are. */
int    t_mcp_send_raw(t_mcp *m, const void *data, size_t len);
/* Next line from stdout parsed as JSON, or NULL after timeout_ms or on
 * a line that is not JSON (then *raw_line, if given, gets it). */
cJSON *t_mcp_recv(t_mcp *m, int timeout_ms);
/* Sends a request with a fresh integer id and returns the response with
 * that id (notifications before it are kept in t_mcp_notes).  params is
 * JSON text or NULL. */
cJSON *t_mcp_request(t_mcp *m, const char *method, const char *params, int timeout_ms);
/* initialize + notifications/initialized with the given version. */
int    t_mcp_handshake(t_mcp *m, const char *version);
/* tools/call; returns the whole response (result or error). */
cJSON *t_mcp_call(t_mcp *m, const char *tool, const char *args_json, int timeout_ms);
/* Notifications received while waiting in t_mcp_request (array; owned by m). */
cJSON *t_mcp_notes(t_mcp *m);
/* A latency bound on the gateway, in ms, stretched like every wait
 * (SLICER_MCP_TIME_SCALE): under valgrind a check of the gateway's speed
 * must not fail for the wrapper's slowdown alone. */
long   t_mcp_bound(long ms);
/* The text of result.content[0] (or ""), borrowed. */
const char *t_mcp_text(const cJSON *resp);
int    t_mcp_is_error(const cJSON *resp);   /* result.isError true */
/* Closes stdin and waits up to timeout_ms for exit; returns the exit
 * status, or -1 if it had to be killed. */
int    t_mcp_close(t_mcp *m, int timeout_ms);
/* Waits for the gateway to exit on its own, its stdin left open; as
 * t_mcp_close otherwise. */
int    t_mcp_wait(t_mcp *m, int timeout_ms);
void   t_mcp_kill(t_mcp *m);
/* Closes our read end of the gateway's stdout (its next write fails). */
void   t_mcp_close_stdout(t_mcp *m);
int    t_mcp_pid(const t_mcp *m);
const char *t_mcp_stderr_path(const t_mcp *m);
void   t_mcp_free(t_mcp *m);

#endif
