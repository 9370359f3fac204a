/* test_tools: loading tools.d folders: the valid fixture's tools field by
 * field, every error class with its exact "file:line:col: message" (the
 * errors fixture and its expected.txt), all-or-nothing loading, the
 * folder-level problems, caps and garbage files; the embedded
 * tool.schema.json against the file and the shipped tools.d. */
#include "catalog/tools.h"
#include "catalog/tool_schema.h"
#include "util/yamljson.h"
#include "slicer/adapters.h"
#include "policy/guard.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FIX "tests/fixtures/tools"
#define SCHEMAS "tests/fixtures/schemas"

/* Problems collected as printed lines: "FILE:LINE:COL: MSG" or "FILE: MSG". */
typedef struct {
    char text[65536];
    size_t len;
    int n;
} reports;

static void collect(void *ud, const char *file, int line, int col, const char *msg)
{
    reports *r = ud;
    size_t room = sizeof r->text - r->len;
    int n = line ? snprintf(r->text + r->len, room, "%s:%d:%d: %s\n", file, line, col, msg)
                 : snprintf(r->text + r->len, room, "%s: %s\n", file, msg);
    if (n > 0 && (size_t)n < room)
        r->len += (size_t)n;
    r->n++;
}

static const char *const adapters[] = { "screenshot", "markups", NULL };
static const char *const policies[] = { "exec", "mrml_write", NULL };

/* The test's stand-in for the gateway's guard (src/policy/guard.c). */
static const char *guard_exec(const char *method, const char *path,
                              const char *const *params, int has_body, const char **why)
{
    (void)method, (void)params, (void)has_body;
    *why = "runs Python";
    return strncmp(path, "/slicer/exec", 12) == 0 ? "exec" : NULL;
}

static const char *guard_volumes(const char *method, const char *path,
                                 const char *const *params, int has_body, const char **why)
{
    if (strcmp(method, "GET") == 0 && strcmp(path, "/slicer/volumes") == 0) {
        *why = "a test";
        return "mrml_write";
    }
    return guard_exec(method, path, params, has_body, why);
}

static toolset *load(const char *dir, tools_guard_fn guard, reports *r, int *n)
{
    memset(r, 0, sizeof *r);
    tools_opts o = { dir, SCHEMAS, adapters, policies, guard, collect, r };
    return tools_load(&o, n);
}

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

static void test_valid(void)
{
    reports r;
    int n = -1;
    toolset *ts = load(FIX "/valid", guard_exec, &r, &n);
    T_ASSERT(ts != NULL, "problems:\n%s", r.text);
    T_CHECK(n == 0 && r.n == 0, "%d problems", n);
    T_ASSERT(tools_count(ts) == 4, "count %zu", tools_count(ts));
    static const char *const names[] = { "get_volumes", "run_python", "screenshot", "slice_view" };
    for (size_t i = 0; i < 4; i++)
        T_CHECK(strcmp(tools_at(ts, i)->name, names[i]) == 0, "tool %zu is %s", i,
                tools_at(ts, i)->name);
    T_CHECK(tools_at(ts, 4) == NULL, "past the end");

    const tool *t = tools_find(ts, "get_volumes");
    T_ASSERT(t != NULL, "get_volumes");
    T_CHECK(strcmp(t->file, FIX "/valid/get_volumes.yaml") == 0, "file %s", t->file);
    T_CHECK(t->line == 2, "line %d", t->line);
    T_CHECK(strcmp(str(t->title), "List volumes") == 0, "title");
    T_CHECK(strcmp(t->description, "Lists the volume nodes in the Slicer scene.") == 0, "desc");
    T_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(t->annotations, "readOnlyHint")) &&
            cJSON_IsFalse(cJSON_GetObjectItem(t->annotations, "openWorldHint")), "annotations");
    T_CHECK(strcmp(str(t->method), "GET") == 0 && strcmp(str(t->path), "/slicer/volumes") == 0,
            "request");
    T_CHECK(t->result == TOOL_RESULT_JSON && strcmp(str(t->wrap), "volumes") == 0, "result");
    T_CHECK(t->nquery == 0 && !t->body_arg && !t->policy && !t->adapter && !t->max_size_arg &&
            !t->not_found, "optional fields unset");
    T_CHECK(t->input_validator && t->output_validator, "validators");
    /* Schemas are kept as written, $schema and $defs included. */
    T_CHECK(cJSON_IsString(cJSON_GetObjectItem(t->input_schema, "$schema")), "$schema kept");
    const cJSON *defs = cJSON_GetObjectItem(t->output_schema, "$defs");
    T_CHECK(cJSON_IsObject(cJSON_GetObjectItem(defs, "volume")), "$defs kept");
    const cJSON *items = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(t->output_schema, "properties"), "volumes"), "items"), "$ref");
    T_CHECK(cJSON_IsString(items) && strcmp(items->valuestring, "#/$defs/volume") == 0,
            "local $ref kept");

    t = tools_find(ts, "slice_view");
    T_ASSERT(t != NULL, "slice_view");
    T_CHECK(strcmp(t->file, FIX "/valid/slice_view.yml") == 0, "a .yml file");
    T_CHECK(strcmp(t->description, "Returns a PNG of one slice view.\n") == 0, "folded desc");
    /* The $ref file is inlined verbatim. */
    char *text = t_read_file(SCHEMAS "/slice.json", NULL);
    cJSON *want = cJSON_Parse(text);
    T_CHECK(cJSON_Compare(t->input_schema, want, 1), "slice.json inlined verbatim");
    T_CHECK(strcmp(t->input_schema->child->string, "$schema") == 0, "key order kept");
    cJSON_Delete(want);
    free(text);
    T_CHECK(!t->output_schema && !t->output_validator, "no outputSchema");
    T_ASSERT(t->nquery == 4, "nquery %zu", t->nquery);
    static const struct { const char *param, *arg, *literal; } q[] = {
        { "view", "view", NULL }, { "size", "size", NULL }, { "offset", "offset", NULL },
        { "scrollTo", NULL, "0.5" },
    };
    for (size_t i = 0; i < 4; i++)
        T_CHECK(strcmp(t->query[i].param, q[i].param) == 0 &&
                strcmp(str(t->query[i].arg), str(q[i].arg)) == 0 &&
                strcmp(str(t->query[i].literal), str(q[i].literal)) == 0,
                "query %zu: %s=%s/%s", i, t->query[i].param, str(t->query[i].arg),
                str(t->query[i].literal));
    T_CHECK(t->result == TOOL_RESULT_IMAGE && strcmp(str(t->max_size_arg), "size") == 0, "image");
    T_CHECK(strcmp(str(t->not_found), "no slice view named {view}") == 0, "not_found");

    t = tools_find(ts, "run_python");
    T_ASSERT(t != NULL, "run_python");
    T_CHECK(strcmp(str(t->policy), "exec") == 0, "policy");
    T_CHECK(strcmp(str(t->method), "POST") == 0 && strcmp(str(t->body_arg), "source") == 0, "body");
    T_CHECK(t->result == TOOL_RESULT_TEXT, "text");
    T_CHECK(strcmp(cJSON_GetObjectItem(t->annotations, "title")->valuestring, "Run Python") == 0,
            "annotation title");

    t = tools_find(ts, "screenshot");
    T_ASSERT(t != NULL, "screenshot");
    T_CHECK(strcmp(str(t->adapter), "screenshot") == 0 && !t->method && !t->path, "adapter");

    T_CHECK(tools_find(ts, "nope") == NULL && tools_find(ts, "") == NULL &&
            tools_find(ts, NULL) == NULL && tools_find(ts, "get_volume") == NULL, "misses");
    tools_free(ts);
}

static void test_find_many(void)
{
    /* Binary search over many tools: every one found, gaps missed. */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/many", t_tmpdir());
    mkdir(dir, 0700);
    for (int i = 0; i < 200; i += 2) {
        char path[600], body[300];
        snprintf(path, sizeof path, "%s/t%03d.yaml", dir, i);
        int n = snprintf(body, sizeof body, "name: t%03d\ndescription: d\ninputSchema: "
                         "{type: object}\nrequest: {method: GET, path: /slicer/a}\n"
                         "result: {type: text}\n", i);
        t_write_file(path, body, (size_t)n);
    }
    reports r;
    toolset *ts = load(dir, NULL, &r, NULL);
    T_ASSERT(ts != NULL, "%s", r.text);
    T_CHECK(tools_count(ts) == 100, "count");
    for (int i = 0; i < 200; i++) {
        char name[16];
        snprintf(name, sizeof name, "t%03d", i);
        const tool *t = tools_find(ts, name);
        T_CHECK(i % 2 ? t == NULL : (t && strcmp(t->name, name) == 0), "find %s", name);
    }
    tools_free(ts);
}

/* Enough files that several threads read them: problems still come out
 * in file order, then line order, the same on every load. */
static void test_many_files_problems_in_order(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/manyprobs", t_tmpdir());
    mkdir(dir, 0700);
    char *want = calloc(1, 65536);
    size_t w = 0;
    for (int i = 0; i < 120; i++) {
        char path[600], body[400];
        int bad = i % 7 == 0, n;
        snprintf(path, sizeof path, "%s/t%03d.yaml", dir, i);
        n = snprintf(body, sizeof body, "name: t%03d\n%sdescription: d\ninputSchema: {type: object}\n"
                     "request: {method: GET, path: /slicer/a}\nresult: {type: text}\n%s",
                     i == 118 ? 5 : i, bad ? "zz1: 1\n" : "", bad ? "zz2: 1\n" : "");
        t_write_file(path, body, (size_t)n);
        if (bad)
            w += (size_t)snprintf(want + w, 65536 - w, "%s:2:1: unknown key 'zz1'\n%s:7:1: unknown key 'zz2'\n",
                                  path, path);
        if (i == 118)
            w += (size_t)snprintf(want + w, 65536 - w, "%s:1:1: duplicate tool name 't005' (first "
                                  "defined in %s/t005.yaml)\n", path, dir);
    }
    for (int round = 0; round < 5; round++) {
        reports r;
        int n = -1;
        T_CHECK(load(dir, NULL, &r, &n) == NULL && n == 18 * 2 + 1, "round %d: %d problems", round, n);
        T_CHECK(strcmp(r.text, want) == 0, "round %d: problems in order:\n%s", round, r.text);
    }
    free(want);
}

static void test_trailing_slash(void)
{
    reports r;
    toolset *ts = load(FIX "/valid/", guard_exec, &r, NULL);
    T_ASSERT(ts != NULL, "%s", r.text);
    T_CHECK(strcmp(tools_find(ts, "run_python")->file, FIX "/valid/run_python.yaml") == 0,
            "path %s", tools_find(ts, "run_python")->file);
    tools_free(ts);
}

/* Every error class: the errors folder against its expected.txt. */
static void test_errors_fixture(void)
{
    reports r;
    int n = -1;
    toolset *ts = load(FIX "/errors", guard_exec, &r, &n);
    T_CHECK(ts == NULL, "a folder with errors loads nothing");
    tools_free(ts);
    char *want = t_read_file(FIX "/errors/expected.txt", NULL);
    T_ASSERT(want != NULL, "expected.txt");
    T_CHECK(strcmp(r.text, want) == 0, "reports differ; got:\n%s", r.text);
    /* Line-by-line, to point at the first difference. */
    const char *g = r.text, *w = want;
    int line = 1;
    while (*g && *w) {
        size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");
        if (gl != wl || memcmp(g, w, gl) != 0) {
            T_CHECK(0, "line %d:\n    got  %.*s\n    want %.*s", line, (int)gl, g, (int)wl, w);
            break;
        }
        g += gl + (g[gl] == '\n');
        w += wl + (w[wl] == '\n');
        line++;
    }
    int lines = 0;
    for (const char *p = want; *p; p++)
        lines += *p == '\n';
    T_CHECK(n == lines && r.n == lines, "nproblems %d, reports %d, want %d", n, r.n, lines);
    free(want);
}

static void test_mixed_loads_nothing(void)
{
    reports r;
    int n = -1;
    toolset *ts = load(FIX "/mixed", guard_exec, &r, &n);
    T_CHECK(ts == NULL, "loaded");
    T_CHECK(n == 1, "n %d", n);
    T_CHECK(strcmp(r.text, FIX "/mixed/b_bad.yaml:5:22: unknown key 'wrapp' in result "
                   "(did you mean 'wrap'?)\n") == 0, "%s", r.text);
    tools_free(ts);
}

static void test_empty_folder(void)
{
    reports r;
    int n = -1;
    toolset *ts = load(FIX "/empty", NULL, &r, &n);
    T_CHECK(ts == NULL && n == 1, "n %d", n);
    T_CHECK(strcmp(r.text, FIX "/empty: no tool files (*.yaml) found\n") == 0, "%s", r.text);
}

static void test_missing_folder(void)
{
    reports r;
    int n = -1;
    toolset *ts = load(FIX "/does-not-exist", NULL, &r, &n);
    T_CHECK(ts == NULL && n == 1, "n %d", n);
    T_CHECK(strcmp(r.text, FIX "/does-not-exist: cannot open tools folder: "
                   "No such file or directory\n") == 0, "%s", r.text);
    /* A NULL report callback and NULL count are fine. */
    tools_opts o = { FIX "/does-not-exist", SCHEMAS, adapters, policies, NULL, NULL, NULL };
    T_CHECK(tools_load(&o, NULL) == NULL, "no callback");
}

static void test_guard_needs_policy(void)
{
    /* A guard that protects /slicer/volumes: get_volumes must now declare it. */
    reports r;
    int n = -1;
    toolset *ts = load(FIX "/valid", guard_volumes, &r, &n);
    T_CHECK(ts == NULL && n == 1, "n %d", n);
    T_CHECK(strcmp(r.text, FIX "/valid/get_volumes.yaml:28:9: request path /slicer/volumes is "
                   "guarded by policy 'mrml_write' (a test); a tool reaching it must declare "
                   "'policy: mrml_write'\n") == 0, "%s", r.text);
}

/* A temp folder holding one file; returns the folder. */
static const char *one_file_dir(const char *sub, const char *name, const char *text, size_t len)
{
    static char dir[512];
    char path[700];
    snprintf(dir, sizeof dir, "%s/%s", t_tmpdir(), sub);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    t_write_file(path, text, len);
    return dir;
}

static void test_no_lists(void)
{
    /* No adapters or policies configured: the hint says so. */
    const char *text = "name: x\ndescription: d\nadapter: a\npolicy: p\n"
                       "inputSchema: {type: object}\nresult: {type: json}\n";
    const char *dir = one_file_dir("nolists", "x.yaml", text, strlen(text));
    reports r = { .n = 0 };
    tools_opts o = { dir, SCHEMAS, NULL, NULL, NULL, collect, &r };
    T_CHECK(tools_load(&o, NULL) == NULL, "loaded");
    char want[2048];
    snprintf(want, sizeof want, "%s/x.yaml:3:10: unknown adapter 'a' (known: none)\n"
             "%s/x.yaml:4:9: unknown policy 'p' (known: none)\n", dir, dir);
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);
    /* A $ref without a schemas folder. */
    text = "name: x\ndescription: d\ninputSchema: {$ref: a.json}\nadapter: markups\n"
           "result: {type: json}\n";
    dir = one_file_dir("noschemas", "x.yaml", text, strlen(text));
    memset(&r, 0, sizeof r);
    o.tools_dir = dir;
    o.schemas_dir = NULL;
    o.adapters = adapters;
    T_CHECK(tools_load(&o, NULL) == NULL, "loaded");
    snprintf(want, sizeof want, "%s/x.yaml:3:15: inputSchema $ref 'a.json': no schemas folder "
             "is configured\n", dir);
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);
}

static void test_file_caps(void)
{
    /* Too large: reported without position. */
    size_t n = YJ_MAX_BYTES + 1;
    char *big = malloc(n);
    memset(big, '#', n);
    const char *dir = one_file_dir("big", "big.yaml", big, n);
    free(big);
    reports r;
    int np = -1;
    T_CHECK(load(dir, NULL, &r, &np) == NULL && np == 1, "np %d", np);
    char want[1024];
    snprintf(want, sizeof want, "%s/big.yaml: cannot read: larger than 1048576 bytes\n", dir);
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);

    /* A folder named like a tool file. */
    char sub[600];
    snprintf(sub, sizeof sub, "%s/dirfile", t_tmpdir());
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/dirfile/x.yaml", t_tmpdir());
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/dirfile", t_tmpdir());
    T_CHECK(load(sub, NULL, &r, NULL) == NULL, "loaded");
    snprintf(want, sizeof want, "%s/x.yaml: cannot read: not a regular file\n", sub);
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);

    /* Dot files and other extensions are not tools. */
    const char *bad = "garbage: [";
    dir = one_file_dir("dots", ".#x.yaml", bad, strlen(bad));
    one_file_dir("dots", "notes.txt", bad, strlen(bad));
    one_file_dir("dots", "x.yaml.bak", bad, strlen(bad));
    T_CHECK(load(dir, NULL, &r, NULL) == NULL, "loaded");
    snprintf(want, sizeof want, "%s: no tool files (*.yaml) found\n", dir);
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);
}

static void test_too_many_files(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/toomany", t_tmpdir());
    mkdir(dir, 0700);
    for (int i = 0; i <= TOOLS_MAX_FILES; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/t%04d.yaml", dir, i);
        t_write_file(path, "x", 1);
    }
    reports r;
    int n = -1;
    T_CHECK(load(dir, NULL, &r, &n) == NULL && n == 1, "n %d", n);
    char want[700];
    snprintf(want, sizeof want, "%s: more than 4096 tool files\n", dir);
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);
}

static void test_duplicates_three(void)
{
    const char *t = "name: same\ndescription: d\ninputSchema: {type: object}\n"
                    "request: {method: GET, path: /slicer/a}\nresult: {type: json}\n";
    const char *dir = one_file_dir("dups", "a.yaml", t, strlen(t));
    one_file_dir("dups", "b.yaml", t, strlen(t));
    one_file_dir("dups", "c.yml", t, strlen(t));
    reports r;
    int n = -1;
    T_CHECK(load(dir, NULL, &r, &n) == NULL && n == 2, "n %d", n);
    char want[2048];
    snprintf(want, sizeof want,
             "%s/b.yaml:1:1: duplicate tool name 'same' (first defined in %s/a.yaml)\n"
             "%s/c.yml:1:1: duplicate tool name 'same' (first defined in %s/a.yaml)\n",
             dir, dir, dir, dir);
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);
}

static void test_messages_are_safe(void)
{
    /* Long and control-character keys are shortened and made printable. */
    char text[600];
    int n = snprintf(text, sizeof text, "name: x\ndescription: d\n\"k\\u0001%s\": 1\n"
                     "inputSchema: {type: object}\nadapter: markups\nresult: {type: json}\n",
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    const char *dir = one_file_dir("safe", "x.yaml", text, (size_t)n);
    reports r;
    T_CHECK(load(dir, NULL, &r, NULL) == NULL, "loaded");
    char want[1024];
    snprintf(want, sizeof want, "%s/x.yaml:3:1: unknown key 'k?%.58s...'\n", dir,
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    T_CHECK(strcmp(r.text, want) == 0, "%s", r.text);
}

/* Random files never crash the loader and always give positioned or
 * file-level problems. */
static void test_garbage_files(void)
{
    static const char *const seeds[] = {
        "name: x\ndescription: d\ninputSchema:\n  type: object\n  properties:\n"
        "    id: {type: string}\nrequest:\n  method: GET\n  path: /slicer/mrml\n"
        "  query: {id: \"{id}\"}\nresult: {type: json, wrap: w}\n",
        "name: y\ndescription: d\ninputSchema: {$ref: slice.json}\npolicy: exec\n"
        "request: {method: POST, path: /slicer/exec, body: \"{view}\"}\n"
        "result: {type: image, max_size_arg: size, not_found: \"{view}\"}\n",
    };
    char dir[512], path[600], text[1024];
    snprintf(dir, sizeof dir, "%s/garbage", t_tmpdir());
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/g.yaml", dir);
    unsigned seed = 777;
    int ok = 1;
    for (int i = 0; i < 600 && ok; i++) {
        const char *s = seeds[i % 2];
        size_t n = strlen(s);
        memcpy(text, s, n);
        for (int m = 0; m < 1 + rand_r(&seed) % 3; m++) {
            const char *tok = "[]{}:-?&*!|>'\"#\n ,\\/.%${}";
            text[(size_t)rand_r(&seed) % n] = rand_r(&seed) % 3
                ? tok[(size_t)rand_r(&seed) % strlen(tok)] : (char)(rand_r(&seed) & 0xFF);
        }
        t_write_file(path, text, n);
        reports r;
        int np = 0;
        toolset *ts = load(dir, guard_exec, &r, &np);
        ok = T_CHECK(ts ? np == 0 : (np > 0 && np == r.n), "input %d: np %d reports %d",
                     i, np, r.n);
        tools_free(ts);
    }
}


/* The copy built into the binary is the file in the repository. */
static void test_embedded_schema(void)
{
    size_t len = 0;
    char *text = t_read_file("schemas/tool.schema.json", &len);
    T_ASSERT(text != NULL, "schemas/tool.schema.json");
    T_CHECK(len == tool_schema_json_len && memcmp(text, tool_schema_json, len) == 0 &&
            tool_schema_json[len] == '\0', "embedded copy differs (%zu vs %zu bytes): "
            "rebuild", tool_schema_json_len, len);
    /* Our own validator compiles it, and it is valid JSON Schema for it. */
    cJSON *doc = cJSON_Parse(text);
    err e = { 0 };
    schema *s = schema_compile(doc, &e);
    T_CHECK(s != NULL, "compile: %s", e.msg);
    schema_free(s);
    cJSON_Delete(doc);
    free(text);
}

/* The shipped tools.d passes with this build's adapters, policies and guard. */
static void test_shipped_tools(void)
{
    reports r;
    memset(&r, 0, sizeof r);
    int n = -1;
    tools_opts o = { "tools.d", "schemas", adapter_names, guard_policies, guard_check_path,
                     collect, &r };
    toolset *ts = tools_load(&o, &n);
    T_CHECK(ts != NULL && n == 0, "problems:\n%s", r.text);
    T_CHECK(tools_count(ts) >= 10, "count %zu", tools_count(ts));
    tools_free(ts);
}

/* Where a rule lives (schema or C), every class is still reported once,
 * with positions inside nested values. */
static void test_schema_messages(void)
{
    static const struct { const char *text, *want; } cases[] = {
        { "name: x\ndescription: d\ninputSchema: {type: object}\nadapter: markups\n"
          "result: {type: json}\nannotations: {readOnlyHint: true, idempotenthint: true}\n",
          "6:35: unknown key 'idempotenthint' in annotations (did you mean 'idempotentHint'?)" },
        { "name: x\ndescription: d\ninputSchema: {type: object}\nadapter: markups\n"
          "result: {type: json}\nrequest: {method: GET}\n",
          "6:10: missing required key 'path' in request" },
        { "name: x\ndescription: d\ninputSchema:\n  type: object\n  properties:\n"
          "    a: {type: string, maxLength: -1}\nadapter: markups\nresult: {type: json}\n",
          "6:34: 'maxLength' in inputSchema/properties/a must be >= 0" },
        { "name: x\ndescription: d\ninputSchema:\n  type: object\n  properties:\n"
          "    a: {type: string, not: {}}\nadapter: markups\nresult: {type: json}\n",
          "6:23: inputSchema/properties/a/not: keyword 'not' is not supported by "
          "slicer-mcp's validator; it would not be enforced" },
        { "name: x\ndescription: d\ninputSchema:\n  type: object\n  $defs:\n"
          "    a: {$ref: other.json}\nadapter: markups\nresult: {type: json}\n",
          "6:15: invalid $ref in inputSchema/$defs/a 'other.json': only \"#\" and JSON "
          "pointers \"#/...\" are supported" },
        { "name: x\ndescription: d\ninputSchema: {type: object}\nadapter: markups\n"
          "result: {type: json}\n\"a b\": 1\n", "6:1: unknown key 'a b'" },
        { "name: x\ndescription: d\ninputSchema: {type: object}\nadapter: markups\n"
          "result: {type: json}\nrequest: {method: GET, path: /slicer/x, query: {a: [1]}}\n",
          "6:49: 'a' in request/query must be a string, not a sequence" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *dir = one_file_dir("msgs", "x.yaml", cases[i].text, strlen(cases[i].text));
        reports r;
        int n = -1;
        T_CHECK(load(dir, NULL, &r, &n) == NULL && n == 1, "case %zu: n %d:\n%s", i, n, r.text);
        char want[1024];
        snprintf(want, sizeof want, "%s/x.yaml:%s\n", dir, cases[i].want);
        T_CHECK(strcmp(r.text, want) == 0, "case %zu:\n    got  %s    want %s", i, r.text, want);
    }
}

static void test_null_safety(void)
{
    tools_free(NULL);
    T_CHECK(tools_count(NULL) == 0 && tools_at(NULL, 0) == NULL &&
            tools_find(NULL, "x") == NULL, "NULL set");
}

int main(void)
{
    t_run("tools_valid", test_valid);
    t_run("tools_find_many", test_find_many);
    t_run("tools_many_files_problems_in_order", test_many_files_problems_in_order);
    t_run("tools_trailing_slash", test_trailing_slash);
    t_run("tools_errors_fixture", test_errors_fixture);
    t_run("tools_mixed_loads_nothing", test_mixed_loads_nothing);
    t_run("tools_empty_folder", test_empty_folder);
    t_run("tools_missing_folder", test_missing_folder);
    t_run("tools_guard_needs_policy", test_guard_needs_policy);
    t_run("tools_no_lists", test_no_lists);
    t_run("tools_file_caps", test_file_caps);
    t_run("tools_too_many_files", test_too_many_files);
    t_run("tools_duplicates_three", test_duplicates_three);
    t_run("tools_messages_are_safe", test_messages_are_safe);
    t_run("tools_garbage_files", test_garbage_files);
    t_run("tools_embedded_schema", test_embedded_schema);
    t_run("tools_shipped_tools", test_shipped_tools);
    t_run("tools_schema_messages", test_schema_messages);
    t_run("tools_null_safety", test_null_safety);
    return t_done();
}
