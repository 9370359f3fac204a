/* fuzz_tools_doc: one tools.d file through the loader's per-document path:
 * yj_parse, then tools_parse_doc (the tool.schema.json check, the rules
 * the schema cannot say, and the tool it builds, including compiling its
 * inputSchema), with this build's adapters, policies and guard.  $ref
 * files resolve against the shipped schemas folder. */
#include <stdint.h>

#include "slicer/adapters.h"
#include "fuzz_common.h"
#include "policy/guard.h"
#include "catalog/tools_parse.h"

static void sink_add(void *ud, int line, int col, const char *msg)
{
    (void)line;
    (void)col;
    (void)msg;
    (*(int *)ud)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tools_meta *meta;
    static tools_opts o;
    if (!meta) {
        err e = { 0 };
        meta = tools_meta_new(&e);
        if (!meta)
            abort();
        const char *repo = getenv("FUZZ_REPO");
        static char schemas[1024];
        snprintf(schemas, sizeof schemas, "%s/schemas", repo ? repo : ".");
        o = (tools_opts){ .tools_dir = "tools.d", .schemas_dir = schemas,
                          .adapters = adapter_names, .policies = guard_policies,
                          .guard = guard_check_path };
    }
    err e = { 0 };
    yj_doc *d = yj_parse((const char *)data, size, "fuzz.yaml", &e);
    if (!d)
        return 0;
    int count = 0, name_col = 0;
    tools_sink sink = { sink_add, &count };
    tool *t = NULL;
    int n = tools_parse_doc(&o, meta, "fuzz.yaml", d, &sink, &t, &name_col);
    if (n != count)
        abort();   /* the return value is the number of problems reported */
    tools_tool_free(t);
    yj_free(d);
    return 0;
}
