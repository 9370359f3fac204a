/* fuzz_schema_validate: arbitrary instances against fixed, real tool
 * schemas (every inputSchema of the shipped tools.d; the first byte picks
 * one), through the same bounded parser the core uses for client bytes. */
#include <stdint.h>

#include "fuzz_common.h"
#include "mcp/jsonrpc.h"
#include "mcp/mcp.h"
#include "catalog/schema.h"

static void on_err(void *ud, const cJSON *at, const char *path, const char *msg)
{
    (void)at;
    if (!path || !msg)
        abort();
    (*(int *)ud)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const toolset *ts = fuzz_tools();
    if (size < 1)
        return 0;
    const tool *t = tools_at(ts, data[0] % tools_count(ts));
    rpc_error er = { 0 };
    cJSON *inst = rpc_parse((const char *)data + 1, size - 1, MCP_MAX_MESSAGE, MCP_MAX_DEPTH, &er);
    rpc_error_clear(&er);
    if (!inst)
        return 0;
    int n = 0;
    int v = schema_validate_all(t->input_validator, inst, on_err, &n);
    if (v != n && n < 100)
        abort();
    err e = { 0 };
    if ((schema_validate(t->input_validator, inst, &e) == 0) != (v == 0))
        abort();   /* the two entry points must agree */
    cJSON_Delete(inst);
    return 0;
}
