/* catalog: tools.d loading with this build's adapters and guard. */
#include "app/catalog.h"

#include <string.h>

#include "slicer/adapters.h"
#include "policy/guard.h"

static void report(void *ud, const char *file, int line, int col, const char *msg)
{
    FILE *out = ud;
    if (line > 0)
        fprintf(out, "%s:%d:%d: %s\n", file, line, col, msg);
    else
        fprintf(out, "%s: %s\n", file, msg);
}

toolset *catalog_load(const char *tools_dir, const char *schemas_dir, FILE *out,
                      int *nproblems)
{
    tools_opts o = {
        .tools_dir = tools_dir,
        .schemas_dir = schemas_dir,
        .adapters = adapter_names,
        .policies = guard_policies,
        .guard = guard_check_path,
        .report = report,
        .report_ud = out,
    };
    return tools_load(&o, nproblems);
}

static int enabled_policy(char *const *enabled, const char *p)
{
    for (; enabled && *enabled; enabled++)
        if (strcmp(*enabled, p) == 0)
            return 1;
    return 0;
}

static int hint(const cJSON *ann, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ann, key));
}

size_t catalog_offered(const toolset *ts, char *const *enabled)
{
    size_t n = 0;
    for (size_t i = 0; i < tools_count(ts); i++) {
        const tool *t = tools_at(ts, i);
        n += !t->policy || enabled_policy(enabled, t->policy);
    }
    return n;
}

void catalog_print(const toolset *ts, char *const *enabled, FILE *out)
{
    fprintf(out, "%-24s %-5s %-40s %-8s %s\n", "TOOL", "HINTS", "SLICER REQUEST", "POLICY", "OFFERED");
    for (size_t i = 0; i < tools_count(ts); i++) {
        const tool *t = tools_at(ts, i);
        char req[128];
        if (t->method)
            snprintf(req, sizeof req, "%s %s", t->method, t->path);
        else
            snprintf(req, sizeof req, "adapter %s", t->adapter);
        /* r = read-only, d = destructive, i = idempotent */
        char hints[4] = {
            hint(t->annotations, "readOnlyHint") ? 'r' : '-',
            hint(t->annotations, "destructiveHint") ? 'd' : '-',
            hint(t->annotations, "idempotentHint") ? 'i' : '-', '\0'
        };
        int on = !t->policy || enabled_policy(enabled, t->policy);
        fprintf(out, "%-24s %-5s %-40s %-8s %s\n", t->name, hints, req,
                t->policy ? t->policy : "-", on ? "yes" : "no (policy off)");
    }
    fprintf(out, "%zu tools, %zu offered\n", tools_count(ts), catalog_offered(ts, enabled));
}
