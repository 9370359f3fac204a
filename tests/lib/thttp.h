/* thttp: raw HTTP/1.1 exchanges with the gateway for the HTTP-mode e2e
 * tests: any method, path, Host and bearer token, and a stateless
 * (2026-07-28) MCP request with the headers that era needs. */
#ifndef THTTP_H
#define THTTP_H

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
