/* relay: the least a stdio gateway can do, as a floor for make bench.
 *
 * Each line on stdin is "ID TARGET [TARGET...]"; relay GETs each target
 * from Slicer with libcurl (a fresh connection each, as Slicer forces),
 * and writes one line back: {"jsonrpc":"2.0","id":ID,"result":{"bytes":N}}.
 * No JSON parsing, validation, policy, audit or redaction: what is left is
 * the pipe hop in and out of a second process and the REST calls, which
 * any MCP server over stdio pays.  bench.c measures slicer-mcp against it
 * to tell the gateway's own time from the hop's.
 *
 *   relay PORT */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t count(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    *(size_t *)ud += s * n;
    return s * n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: relay PORT\n");
        return 2;
    }
    int port = atoi(argv[1]);
    CURL *c = curl_easy_init();
    static char line[8192];
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    while (fgets(line, sizeof line, stdin)) {
        char *save = NULL, *id = strtok_r(line, " \n", &save), *t;
        size_t bytes = 0;
        int ok = 1;
        while (id && (t = strtok_r(NULL, " \n", &save))) {
            char url[1024];
            snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, t);
            curl_easy_setopt(c, CURLOPT_URL, url);
            curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
            curl_easy_setopt(c, CURLOPT_PROXY, "");
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count);
            curl_easy_setopt(c, CURLOPT_WRITEDATA, &bytes);
            ok &= curl_easy_perform(c) == CURLE_OK;
        }
        if (!id)
            continue;
        if (ok)
            printf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"bytes\":%zu}}\n", id, bytes);
        else
            printf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":-32000,\"message\":\"failed\"}}\n", id);
        fflush(stdout);
    }
    curl_easy_cleanup(c);
    return 0;
}
