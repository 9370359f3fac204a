/* test_yamljson: YAML to cJSON: scalar typing, nesting, positions, every
 * error class with its exact FILE:LINE:COL, the caps, and garbage input. */
#include "util/yamljson.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static yj_doc *parse(const char *text, err *e)
{
    return yj_parse(text, strlen(text), "f.yaml", e);
}

/* The value of key "v" in a one-line document "v: TEXT". */
typedef struct {
    const char *text;
    int type;              /* cJSON_NULL, cJSON_True, cJSON_False, cJSON_Number, cJSON_String */
    double num;
    const char *str;
} scalar_case;

static const scalar_case scalar_cases[] = {
    { "~",           cJSON_NULL,   0, NULL },
    { "null",        cJSON_NULL,   0, NULL },
    { "Null",        cJSON_NULL,   0, NULL },
    { "NULL",        cJSON_NULL,   0, NULL },
    { "",            cJSON_NULL,   0, NULL },
    { "!!null ~",    cJSON_NULL,   0, NULL },
    { "true",        cJSON_True,   0, NULL },
    { "True",        cJSON_True,   0, NULL },
    { "TRUE",        cJSON_True,   0, NULL },
    { "false",       cJSON_False,  0, NULL },
    { "FALSE",       cJSON_False,  0, NULL },
    { "!!bool true", cJSON_True,   0, NULL },
    { "0",           cJSON_Number, 0, NULL },
    { "-12",         cJSON_Number, -12, NULL },
    { "+7",          cJSON_Number, 7, NULL },
    { "007",         cJSON_Number, 7, NULL },
    { "0x1F",        cJSON_Number, 31, NULL },
    { "0o17",        cJSON_Number, 15, NULL },
    { "9007199254740992",  cJSON_Number, 9007199254740992.0, NULL },
    { "-9007199254740992", cJSON_Number, -9007199254740992.0, NULL },
    { "0x20000000000000",  cJSON_Number, 9007199254740992.0, NULL },
    { "1.5",         cJSON_Number, 1.5, NULL },
    { ".5",          cJSON_Number, 0.5, NULL },
    { "5.",          cJSON_Number, 5, NULL },
    { "-1e3",        cJSON_Number, -1000, NULL },
    { "1E+2",        cJSON_Number, 100, NULL },
    { "!!int 12",    cJSON_Number, 12, NULL },
    { "!!float 3",   cJSON_Number, 3, NULL },
    { "yes",         cJSON_String, 0, "yes" },    /* YAML 1.1 booleans are strings in 1.2 */
    { "no",          cJSON_String, 0, "no" },
    { "on",          cJSON_String, 0, "on" },
    { "\"1\"",       cJSON_String, 0, "1" },
    { "'true'",      cJSON_String, 0, "true" },
    { "\"\"",        cJSON_String, 0, "" },
    { "!!str 12",    cJSON_String, 0, "12" },
    { "! 12",        cJSON_String, 0, "12" },
    { "0x",          cJSON_String, 0, "0x" },
    { "0b101",       cJSON_String, 0, "0b101" },
    { "1_000",       cJSON_String, 0, "1_000" },
    { "1.2.3",       cJSON_String, 0, "1.2.3" },
    { "12abc",       cJSON_String, 0, "12abc" },
    { "-x",          cJSON_String, 0, "-x" },
    { "inf",         cJSON_String, 0, "inf" },
    { "hello world", cJSON_String, 0, "hello world" },
    { "\"tab\\there\"", cJSON_String, 0, "tab\there" },
    { "caf\xc3\xa9",  cJSON_String, 0, "caf\xc3\xa9" },
};

static void test_scalars(void)
{
    for (size_t i = 0; i < sizeof scalar_cases / sizeof scalar_cases[0]; i++) {
        const scalar_case *c = &scalar_cases[i];
        char text[256];
        snprintf(text, sizeof text, "v: %s\n", c->text);
        err e = { 0 };
        yj_doc *d = parse(text, &e);
        T_CHECK(d != NULL, "'%s': %s", c->text, e.msg);
        if (!d)
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(yj_root(d), "v");
        T_CHECK(v && (v->type & 0xFF) == c->type, "'%s': type %d, want %d", c->text,
                v ? v->type & 0xFF : -1, c->type);
        if (v && c->type == cJSON_Number)
            T_CHECK(v->valuedouble == c->num, "'%s': %.17g, want %.17g", c->text,
                    v->valuedouble, c->num);
        if (v && c->str)
            T_CHECK(cJSON_IsString(v) && strcmp(v->valuestring, c->str) == 0,
                    "'%s': got '%s'", c->text, cJSON_IsString(v) ? v->valuestring : "?");
        yj_free(d);
    }
}

static void test_block_scalars(void)
{
    err e = { 0 };
    yj_doc *d = parse("lit: |\n  a\n  b\nfold: >\n  a\n  b\nkeep: |+\n  x\n\nz: 1\n", &e);
    T_ASSERT(d != NULL, "%s", e.msg);
    cJSON *r = yj_root(d);
    T_CHECK(strcmp(cJSON_GetObjectItem(r, "lit")->valuestring, "a\nb\n") == 0, "literal");
    T_CHECK(strcmp(cJSON_GetObjectItem(r, "fold")->valuestring, "a b\n") == 0, "folded");
    T_CHECK(strcmp(cJSON_GetObjectItem(r, "keep")->valuestring, "x\n\n") == 0, "keep");
    yj_free(d);
}

static void test_nesting(void)
{
    const char *yaml =
        "# comment\n"
        "name: n\n"
        "list:\n"
        "  - 1\n"
        "  - {a: [x, 'y'], b: ~}\n"
        "  - - nested\n"
        "    - 2.5\n"
        "map:\n"
        "  inner:\n"
        "    deep: true\n"
        "empty_map: {}\n"
        "empty_seq: []\n"
        "\"quoted key\": 1\n";
    const char *json =
        "{\"name\":\"n\",\"list\":[1,{\"a\":[\"x\",\"y\"],\"b\":null},[\"nested\",2.5]],"
        "\"map\":{\"inner\":{\"deep\":true}},\"empty_map\":{},\"empty_seq\":[],"
        "\"quoted key\":1}";
    err e = { 0 };
    yj_doc *d = parse(yaml, &e);
    T_ASSERT(d != NULL, "%s", e.msg);
    cJSON *want = cJSON_Parse(json);
    T_CHECK(cJSON_Compare(yj_root(d), want, 1), "tree differs");
    /* Key order is kept. */
    const cJSON *first = yj_root(d)->child;
    T_CHECK(first && strcmp(first->string, "name") == 0, "first key");
    cJSON_Delete(want);
    yj_free(d);

    /* A root that is not a mapping is fine for yamljson. */
    d = parse("- a\n- b\n", &e);
    T_CHECK(d && cJSON_GetArraySize(yj_root(d)) == 2, "root sequence");
    yj_free(d);
    d = parse("just text\n", &e);
    T_CHECK(d && cJSON_IsString(yj_root(d)), "root scalar");
    yj_free(d);
}

typedef struct { const char *path; int line, col, kline, kcol; } pos_case;

static const cJSON *walk(const cJSON *root, const char *path)
{
    /* "a/b/0" style: object keys or array indexes */
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s", path);
    const cJSON *cur = root;
    for (char *save = NULL, *t = strtok_r(tmp, "/", &save); t && cur;
         t = strtok_r(NULL, "/", &save))
        cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(t))
                                 : cJSON_GetObjectItemCaseSensitive(cur, t);
    return cur;
}

static void test_positions(void)
{
    const char *yaml =
        "name: slice\n"                    /* 1 */
        "request:\n"                       /* 2 */
        "  method: GET\n"                  /* 3 */
        "  query: {view: \"{view}\"}\n"    /* 4 */
        "list:\n"                          /* 5 */
        "  - a\n"                          /* 6 */
        "  -   b\n"                        /* 7 */
        "  - k: v\n"                       /* 8 */
        "caf\xc3\xa9: \xc3\xa9t\xc3\xa9\n" /* 9: columns count characters */
        "next: 1\n";                       /* 10 */
    static const pos_case cases[] = {
        { "name",          1, 7, 1, 1 },
        { "request",       3, 3, 2, 1 },   /* a block mapping starts at its first key */
        { "request/method", 3, 11, 3, 3 },
        { "request/query", 4, 10, 4, 3 },
        { "request/query/view", 4, 17, 4, 11 },
        { "list",          6, 3, 5, 1 },
        { "list/0",        6, 5, 0, 0 },
        { "list/1",        7, 7, 0, 0 },
        { "list/2",        8, 5, 0, 0 },
        { "list/2/k",      8, 8, 8, 5 },
        { "next",          10, 7, 10, 1 },
    };
    err e = { 0 };
    yj_doc *d = parse(yaml, &e);
    T_ASSERT(d != NULL, "%s", e.msg);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const pos_case *c = &cases[i];
        const cJSON *n = walk(yj_root(d), c->path);
        int line = -9, col = -9, kl = -9, kc = -9;
        T_CHECK(n && yj_pos(d, n, &line, &col) == 0, "%s: no position", c->path);
        T_CHECK(line == c->line && col == c->col, "%s: value at %d:%d, want %d:%d",
                c->path, line, col, c->line, c->col);
        int rc = yj_key_pos(d, n, &kl, &kc);
        if (c->kline)
            T_CHECK(rc == 0 && kl == c->kline && kc == c->kcol, "%s: key at %d:%d, want %d:%d",
                    c->path, kl, kc, c->kline, c->kcol);
        else
            T_CHECK(rc == -1, "%s: a sequence item has no key", c->path);
    }
    const cJSON *word = cJSON_GetObjectItemCaseSensitive(yj_root(d), "caf\xc3\xa9");
    int line = 0, col = 0;
    T_CHECK(word && yj_pos(d, word, &line, &col) == 0 && line == 9 && col == 7,
            "utf-8 column %d:%d", line, col);
    T_CHECK(yj_pos(d, yj_root(d), &line, &col) == 0 && line == 1 && col == 1, "root");
    T_CHECK(yj_key_pos(d, yj_root(d), &line, &col) == -1, "root has no key");
    /* Outputs are optional. */
    T_CHECK(yj_pos(d, yj_root(d), NULL, NULL) == 0, "NULL outputs");
    /* Unknown nodes and NULL. */
    cJSON *other = cJSON_CreateNull();
    T_CHECK(yj_pos(d, other, &line, &col) == -1, "foreign node");
    T_CHECK(yj_key_pos(d, other, &line, &col) == -1, "foreign node key");
    T_CHECK(yj_pos(d, NULL, &line, &col) == -1, "NULL node");
    T_CHECK(yj_pos(NULL, other, &line, &col) == -1, "NULL doc");
    cJSON_Delete(other);
    yj_free(d);
}

typedef struct { const char *text; const char *msg; } error_case;

static const error_case error_cases[] = {
    { "",                      "f.yaml:1:1: empty document" },
    { "# only a comment\n",    "f.yaml:1:1: empty document" },
    { "---\n",                 "f.yaml:1:1: empty document" },
    { "a: 1\na: 2\n",          "f.yaml:2:1: duplicate key 'a'" },
    { "a: 1\nb: 2\nb: 3\na: 4\n", "f.yaml:3:1: duplicate key 'b'" },
    { "m:\n  x: 1\n  x: 2\n",  "f.yaml:3:3: duplicate key 'x'" },
    { "{a: 1, a: 2}\n",        "f.yaml:1:8: duplicate key 'a'" },
    { "a: &x 1\n",             "f.yaml:1:4: anchor '&x': anchors and aliases are not allowed "
                               "in tools.d files (each value is written out where it is used)" },
    { "a: 1\nb: *x\n",         "f.yaml:2:4: alias '*x': anchors and aliases are not allowed "
                               "in tools.d files (each value is written out where it is used)" },
    { "a: &s [1]\n",           "f.yaml:1:4: anchor '&s': anchors and aliases are not allowed "
                               "in tools.d files (each value is written out where it is used)" },
    { "&k a: 1\n",             "f.yaml:1:1: anchor '&k': anchors and aliases are not allowed "
                               "in tools.d files (each value is written out where it is used)" },
    { "*k : 1\n",              "f.yaml:1:1: alias '*k': anchors and aliases are not allowed "
                               "in tools.d files" },
    { "? [a]\n: 1\n",          "f.yaml:1:3: mapping keys must be plain strings, not sequences "
                               "or mappings" },
    { "? {a: 1}\n: 1\n",       "f.yaml:1:3: mapping keys must be plain strings, not sequences "
                               "or mappings" },
    { "!!int 1: a\n",          "f.yaml:1:1: mapping keys must be strings" },
    { "a: 1\n---\nb: 2\n",     "f.yaml:2:1: only one YAML document is allowed per file" },
    { "a: [1\n",               "f.yaml:2:1: did not find expected ',' or ']' "
                               "(while parsing a flow sequence)" },
    { "a: b: c\n",             "f.yaml:1:5: mapping values are not allowed in this context" },
    { "a:\n\tb: 1\n",          "f.yaml:2:1: found character that cannot start any token "
                               "(while scanning for the next token)" },
    { "a: 'open\n",            "f.yaml:2:1: found unexpected end of stream "
                               "(while scanning a quoted scalar)" },
    { "a: \"x\\0y\"\n",        "f.yaml:1:4: a NUL character is not allowed in a value" },
    { "\"k\\0\": 1\n",         "f.yaml:1:1: a NUL character is not allowed in a key" },
    { "a: \xff\n",             "f.yaml:1:4: invalid leading UTF-8 octet (#FF)" },
    { "a: 1\nb: x\x01y\n",     "f.yaml:2:5: control characters are not allowed (#1)" },
    { "a: 9007199254740993\n", "f.yaml:1:4: integer out of range (max magnitude 2^53)" },
    { "a: -9007199254740993\n", "f.yaml:1:4: integer out of range (max magnitude 2^53)" },
    { "a: 0x20000000000001\n", "f.yaml:1:4: integer out of range (max magnitude 2^53)" },
    { "a: 99999999999999999999999999\n", "f.yaml:1:4: integer out of range (max magnitude 2^53)" },
    { "a: 1e400\n",            "f.yaml:1:4: number out of range" },
    { "a: .inf\n",             "f.yaml:1:4: '.inf': infinite and NaN numbers are not allowed" },
    { "a: -.Inf\n",            "f.yaml:1:4: '-.Inf': infinite and NaN numbers are not allowed" },
    { "a: .NaN\n",             "f.yaml:1:4: '.NaN': infinite and NaN numbers are not allowed" },
    { "a: !!int abc\n",        "f.yaml:1:4: value does not match its tag '!!int'" },
    { "a: !!bool yes\n",       "f.yaml:1:4: value does not match its tag '!!bool'" },
    { "a: !!null x\n",         "f.yaml:1:4: value does not match its tag '!!null'" },
    { "a: !foo x\n",           "f.yaml:1:4: tag '!foo' is not allowed on a scalar "
                               "(only !!str, !!null, !!bool, !!int, !!float)" },
    { "a: !!binary eA==\n",    "f.yaml:1:4: tag '!!binary' is not allowed on a scalar "
                               "(only !!str, !!null, !!bool, !!int, !!float)" },
    { "a: !!map [1]\n",        "f.yaml:1:4: tag '!!map' is not allowed here" },
    { "a: !!set {x: ~}\n",     "f.yaml:1:4: tag '!!set' is not allowed here" },
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case *c = &error_cases[i];
        err e = { 0 };
        yj_doc *d = parse(c->text, &e);
        T_CHECK(d == NULL, "case %zu parsed", i);
        T_CHECK(strcmp(e.msg, c->msg) == 0, "case %zu:\n    got  %s\n    want %s", i, e.msg, c->msg);
        T_CHECK(e.kind == ERR_INVALID, "case %zu: kind %d", i, e.kind);
        yj_free(d);
    }
    /* NULL err is allowed. */
    T_CHECK(parse("a: [", NULL) == NULL, "NULL err");
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1), *p = s;
    memcpy(p, head, hl), p += hl;
    for (size_t i = 0; i < n; i++)
        memcpy(p, unit, ul), p += ul;
    memcpy(p, tail, tl + 1);
    return s;
}

static void test_depth_cap(void)
{
    err e = { 0 };
    char *ok = repeat("", "[", YJ_MAX_DEPTH, "");
    char *okc = repeat(ok, "]", YJ_MAX_DEPTH, "\n");
    yj_doc *d = parse(okc, &e);
    T_CHECK(d != NULL, "depth %d: %s", YJ_MAX_DEPTH, e.msg);
    yj_free(d);
    char *deep = repeat("", "[", YJ_MAX_DEPTH + 1, "");
    char *deepc = repeat(deep, "]", YJ_MAX_DEPTH + 1, "\n");
    d = parse(deepc, &e);
    T_CHECK(d == NULL && strcmp(e.msg, "f.yaml:1:65: nesting deeper than 64 levels") == 0,
            "%s", e.msg);
    T_CHECK(e.kind == ERR_LIMIT, "kind");
    /* Very deep and unclosed: stops at the cap, no stack exhaustion. */
    char *huge = repeat("", "[", 500000, "");
    d = parse(huge, &e);
    T_CHECK(d == NULL && strcmp(e.msg, "f.yaml:1:65: nesting deeper than 64 levels") == 0,
            "%s", e.msg);
    char *blocks = repeat("", "- ", 1000, "x\n");
    d = parse(blocks, &e);
    T_CHECK(d == NULL && strstr(e.msg, "nesting deeper than 64 levels"), "%s", e.msg);
    free(ok), free(okc), free(deep), free(deepc), free(huge), free(blocks);
}

static void test_node_cap(void)
{
    err e = { 0 };
    /* The root sequence is one node, so YJ_MAX_NODES - 1 items fit. */
    char *ok = repeat("[", "1,", YJ_MAX_NODES - 2, "1]\n");
    yj_doc *d = parse(ok, &e);
    T_CHECK(d != NULL && cJSON_GetArraySize(yj_root(d)) == YJ_MAX_NODES - 1, "%s", e.msg);
    yj_free(d);
    char *over = repeat("[", "1,", YJ_MAX_NODES - 1, "1]\n");
    d = parse(over, &e);
    char want[128];
    snprintf(want, sizeof want, "f.yaml:1:%d: more than %d values in one file",
             2 + 2 * (YJ_MAX_NODES - 1), YJ_MAX_NODES);
    T_CHECK(d == NULL && strcmp(e.msg, want) == 0, "%s", e.msg);
    T_CHECK(e.kind == ERR_LIMIT, "kind");
    free(ok), free(over);
}

static void test_size_cap(void)
{
    err e = { 0 };
    /* A 1 MiB document made of one huge scalar is fine. */
    size_t n = YJ_MAX_BYTES;
    char *text = malloc(n + 2);
    memcpy(text, "v: ", 3);
    memset(text + 3, 'x', n - 4);
    text[n - 1] = '\n';
    text[n] = 'x';
    text[n + 1] = '\0';
    yj_doc *d = yj_parse(text, n, "f.yaml", &e);
    const cJSON *v = d ? cJSON_GetObjectItem(yj_root(d), "v") : NULL;
    T_CHECK(v && strlen(v->valuestring) == n - 4, "%s", e.msg);
    yj_free(d);
    d = yj_parse(text, n + 1, "f.yaml", &e);
    T_CHECK(d == NULL && strcmp(e.msg, "f.yaml:1:1: file larger than 1048576 bytes") == 0,
            "%s", e.msg);
    T_CHECK(e.kind == ERR_LIMIT, "kind");
    free(text);
}

static void test_not_nul_terminated(void)
{
    const char text[] = { 'a', ':', ' ', '1', 'z', 'z' };
    err e = { 0 };
    yj_doc *d = yj_parse(text, 4, "f.yaml", &e);
    const cJSON *a = d ? cJSON_GetObjectItem(yj_root(d), "a") : NULL;
    T_CHECK(cJSON_IsNumber(a) && a->valuedouble == 1, "%s", e.msg);
    yj_free(d);
}

static void test_bom_crlf(void)
{
    err e = { 0 };
    /* A UTF-8 byte-order mark and Windows line ends are fine. */
    yj_doc *d = parse("\xEF\xBB\xBF" "a: 1\r\nb: x\r\n", &e);
    T_CHECK(d && cJSON_GetArraySize(yj_root(d)) == 2, "%s", e.msg);
    int line = 0, col = 0;
    T_CHECK(d && yj_pos(d, cJSON_GetObjectItem(yj_root(d), "b"), &line, &col) == 0 &&
            line == 2 && col == 4, "b at %d:%d", line, col);
    yj_free(d);
    /* UTF-16 is not accepted. */
    d = yj_parse("\xFF\xFE" "a\0:\0", 6, "f.yaml", &e);
    T_CHECK(!d && strcmp(e.msg, "f.yaml:1:1: invalid leading UTF-8 octet (#FF)") == 0,
            "%s", e.msg);
}

static void test_null_safety(void)
{
    yj_free(NULL);
    T_CHECK(yj_root(NULL) == NULL, "root of NULL");
    int l, c;
    T_CHECK(yj_key_pos(NULL, NULL, &l, &c) == -1, "key pos of NULL");
}

/* No crash, and always a document or a FILE:LINE:COL message. */
static void test_garbage(void)
{
    static const char *const seeds[] = {
        "name: x\nlist: [1, {a: b}]\nm:\n  k: 'v'\n  s: |\n    t\n",
        "a: &x [*x]\n? [1]\n: {}\n",
        "%YAML 1.2\n---\n!!map {a: !!seq [], b: \"\\u00e9\\x00\"}\n...\n",
    };
    unsigned seed = 12345;
    int ok = 1;
    char buf[512];
    for (int i = 0; i < 4000 && ok; i++) {
        size_t n;
        if (i % 2) {
            n = (size_t)(rand_r(&seed) % sizeof buf);
            for (size_t j = 0; j < n; j++)
                buf[j] = (char)(rand_r(&seed) & 0xFF);
        } else {
            const char *s = seeds[(unsigned)i % 3];
            n = strlen(s);
            memcpy(buf, s, n);
            for (int m = 0; m < 1 + rand_r(&seed) % 4; m++) {
                const char *tok = "[]{}:-?&*!|>'\"#\n\t ,\\%@`";
                buf[(size_t)rand_r(&seed) % n] = rand_r(&seed) % 2
                    ? tok[(size_t)rand_r(&seed) % strlen(tok)] : (char)(rand_r(&seed) & 0xFF);
            }
        }
        err e = { 0 };
        yj_doc *d = yj_parse(buf, n, "g.yaml", &e);
        if (!d)
            ok = T_CHECK(strncmp(e.msg, "g.yaml:", 7) == 0 && e.msg[7] >= '1' && e.msg[7] <= '9',
                         "input %d: bad message '%s'", i, e.msg);
        else
            ok = T_CHECK(yj_pos(d, yj_root(d), NULL, NULL) == 0, "input %d: root position", i);
        yj_free(d);
    }
}

int main(void)
{
    t_run("yamljson_scalars", test_scalars);
    t_run("yamljson_block_scalars", test_block_scalars);
    t_run("yamljson_nesting", test_nesting);
    t_run("yamljson_positions", test_positions);
    t_run("yamljson_errors", test_errors);
    t_run("yamljson_depth_cap", test_depth_cap);
    t_run("yamljson_node_cap", test_node_cap);
    t_run("yamljson_size_cap", test_size_cap);
    t_run("yamljson_not_nul_terminated", test_not_nul_terminated);
    t_run("yamljson_bom_crlf", test_bom_crlf);
    t_run("yamljson_null_safety", test_null_safety);
    t_run("yamljson_garbage", test_garbage);
    return t_done();
}
