/* thttp: the gateway in HTTP mode for e2e tests: started on a free port
 * (read from its port file), stopped with SIGTERM, and raw HTTP/1.1
 * exchanges with it: any method, path, Host and bearer token, and a
 * stateless (2026-07-28) MCP request with the headers that era needs. */
#ifndef THTTP_H
#define THTTP_H

#include "mcpclient.h"

typedef struct {
    t_mcp *proc;
    int port;
    int metrics_port;   /* the port file's second line: /metrics on its own address; 0 if none */
} t_gw;

/* Starts slicer-mcp with args, which must hold "--http-port-file" and
 * port_file; 0 once that file names the port, else -1 (g->proc is then
 * the process, for its exit status and stderr, or NULL). */
int  t_gw_start(t_gw *g, const char *const *args, const char *port_file);
/* SIGTERM, then waits for the exit; nothing if it is not running. */
void t_gw_stop(t_gw *g);

/* One exchange over a new connection (Connection: close).  host NULL:
 * "127.0.0.1:PORT"; bearer, extra_headers ("Name: value\r\n"...) and body
 * may be NULL.  Returns the status (0 if none came), the whole answer
 * (headers and body) in *out, which the caller frees. */
int t_req(int port, const char *method, const char *path, const char *host, const char *bearer,
          const char *extra_headers, const char *body, char **out);
/* A 2026-07-28 request: method, Mcp-Name (NULL: none) and params members
 * ("\"name\":\"x\",\"arguments\":{}" or NULL) around the required _meta. */
int t_mcp_post(int port, const char *bearer, const char *method, const char *name, const char *params,
               char **out);
/* The body of an answer t_req returned, or NULL. */
const char *t_body(const char *answer);

#endif
