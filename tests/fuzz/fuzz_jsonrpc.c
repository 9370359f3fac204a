/* fuzz_jsonrpc: one client line through the MCP core (mcp_handle), with
 * the shipped tools and a backend pointed at a closed port, so a
 * tools/call that passes validation ends in "connection refused".  Two
 * sessions alternate: a fresh one, and one initialized under 2025-03-26
 * (the only version with batches), so both the pre-initialize rules and
 * batches are reached.  The reply must be NULL or valid JSON. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "mcp/mcp.h"

static void send_note(void *ud, const char *json, size_t len)
{
    (void)ud;
    (void)json;
    (void)len;
}

static int never_cancelled(void *ud, const cJSON *id)
{
    (void)ud;
    (void)id;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mcp *m;
    static mcp_session *inited;
    static const mcp_io io = { .send = send_note, .cancelled = never_cancelled,
                               .transport = "stdio" };
    if (!m) {
        log_set_level(LOG_EMERGENCY);
        err e = { 0 };
        backend_opts bo = { .base_url = "http://127.0.0.1:9", .connect_timeout_ms = 200,
                            .timeout_ms = 500, .max_response = 1u << 20 };
        backend *b = backend_new(&bo, &e);
        mcp_config cfg = { .server_version = "fuzz", .page_size = 3 };
        m = b ? mcp_new(&cfg, fuzz_tools(), b, &e) : NULL;
        if (!m)
            abort();
        inited = mcp_session_new(m);
        static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},\"clientInfo\":{\"name\":\"f\"}}}";
        mcp_reply r;
        mcp_handle(m, inited, init, sizeof init - 1, &io, &r);
        mcp_reply_free(&r);
    }
    if (size == 0)
        return 0;
    mcp_session *fresh = NULL;
    mcp_session *s = (data[0] & 1) ? inited : (fresh = mcp_session_new(m));
    mcp_reply r;
    mcp_handle(m, s, (const char *)data + 1, size - 1, &io, &r);
    if (r.json) {
        cJSON *j = cJSON_Parse(r.json);
        if (!j)
            abort();   /* the core must only ever send JSON */
        cJSON_Delete(j);
    }
    mcp_reply_free(&r);
    /* A fuzzed initialize may have changed the shared session's version;
     * put it back to 2025-03-26 only by re-initializing when it differs. */
    if (s == inited && (!mcp_session_version(inited) || strcmp(mcp_session_version(inited), "2025-03-26"))) {
        static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{}}}";
        mcp_handle(m, inited, init, sizeof init - 1, &io, &r);
        mcp_reply_free(&r);
    }
    mcp_session_free(fresh);
    return 0;
}
