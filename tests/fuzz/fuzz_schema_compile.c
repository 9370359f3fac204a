/* fuzz_schema_compile: an arbitrary JSON document compiled as a schema;
 * when it compiles, a few fixed instances (and the document itself) are
 * validated against it.  Exercises $ref resolution and cycle detection,
 * pattern translation and the compile and validation caps. */
#include <stdint.h>
#include <stdlib.h>

#include "mcp/jsonrpc.h"
#include "catalog/schema.h"

static const char *const instances[] = {
    "null", "true", "0", "-1.5", "1e300", "\"\"", "\"red\"", "\"a\\u00e9b\"", "[]", "[1,[2,[3]]]",
    "{}", "{\"view\":\"red\",\"max_size\":64}", "{\"a\":{\"b\":{\"c\":[null,1,\"x\"]}}}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rpc_error er = { 0 };
    cJSON *doc = rpc_parse((const char *)data, size, 1u << 20, 128, &er);
    rpc_error_clear(&er);
    if (!doc)
        return 0;
    err e = { 0 };
    schema *s = schema_compile(doc, &e);
    if (s) {
        for (size_t i = 0; i < sizeof instances / sizeof instances[0]; i++) {
            cJSON *inst = cJSON_Parse(instances[i]);
            schema_validate_all(s, inst, NULL, NULL);
            cJSON_Delete(inst);
        }
        schema_validate_all(s, doc, NULL, NULL);
        schema_free(s);
    } else if (!e.msg[0]) {
        abort();   /* a refusal always says why */
    }
    cJSON_Delete(doc);
    return 0;
}
