/* thttp: raw HTTP/1.1 exchanges with the gateway. */
#include "thttp.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

int t_gw_start(t_gw *g, const char *const *args, const char *port_file)
{
    g->proc = t_mcp_start(args);
    g->port = g->metrics_port = 0;
    for (long t = 0; t < t_mcp_bound(10000) && g->proc && !g->port; t += 20) {
        char *s = t_read_file(port_file, NULL);
        g->port = s ? atoi(s) : 0;
        const char *second = s ? strchr(s, '\n') : NULL;
        g->metrics_port = second ? atoi(second + 1) : 0;
        free(s);
        if (!g->port)
            t_sleep_ms(20);
    }
    return g->port ? 0 : -1;
}

void t_gw_stop(t_gw *g)
{
    if (!g->proc)
        return;
    kill(t_mcp_pid(g->proc), SIGTERM);
    t_mcp_wait(g->proc, t_mcp_bound(5000));
    t_mcp_free(g->proc);
    g->proc = NULL;
}

int t_req(int port, const char *method, const char *path, const char *host, const char *bearer,
          const char *extra_headers, const char *body, char **out)
{
    size_t blen = body ? strlen(body) : 0;
    size_t n = blen + (bearer ? strlen(bearer) : 0) + (extra_headers ? strlen(extra_headers) : 0) + 1024;
    char *rq = malloc(n), hostbuf[64];
    if (!host) {
        snprintf(hostbuf, sizeof hostbuf, "127.0.0.1:%d", port);
        host = hostbuf;
    }
    int k = snprintf(rq, n, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
                     "Accept: application/json, text/event-stream\r\n%s%s%s%s",
                     method, path, host, bearer ? "Authorization: Bearer " : "", bearer ? bearer : "",
                     bearer ? "\r\n" : "", extra_headers ? extra_headers : "");
    if (body)
        k += snprintf(rq + k, n - (size_t)k, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                      blen, body);
    else
        k += snprintf(rq + k, n - (size_t)k, "\r\n");
    int closed = 0, status = 0;
    *out = NULL;
    long got = t_raw(port, rq, (size_t)k, 0, 20000, out, &closed);
    free(rq);
    if (got > 12 && *out)
        sscanf(*out, "HTTP/1.1 %d", &status);
    return status;
}

int t_mcp_post(int port, const char *bearer, const char *method, const char *name, const char *params,
               char **out)
{
    char hdr[256];
    size_t pn = params ? strlen(params) : 0;
    char *body = malloc(pn + 512);
    snprintf(hdr, sizeof hdr, "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: %s\r\n%s%s%s", method,
             name ? "Mcp-Name: " : "", name ? name : "", name ? "\r\n" : "");
    snprintf(body, pn + 512, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"%s\",\"params\":{%s%s"
             "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
             "\"io.modelcontextprotocol/clientCapabilities\":{}}}}", method, params ? params : "", params ? "," : "");
    int st = t_req(port, "POST", "/mcp", NULL, bearer, hdr, body, out);
    free(body);
    return st;
}

const char *t_body(const char *answer)
{
    const char *b = answer ? strstr(answer, "\r\n\r\n") : NULL;
    return b ? b + 4 : NULL;
}
