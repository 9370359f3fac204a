/* test_jsonptr: RFC 6901's own examples (section 5), the escapes a built
 * pointer must carry, the malformed pointers refused, and the deepest
 * node reached, which tools.d errors use for their line. */
#include "util/jsonptr.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

/* RFC 6901, section 5. */
static const char rfc_doc[] =
    "{\"foo\":[\"bar\",\"baz\"],\"\":0,\"a/b\":1,\"c%d\":2,\"e^f\":3,\"g|h\":4,"
    "\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8}";

static const cJSON *get(const cJSON *doc, const char *p)
{
    return jsonptr_get(doc, p, strlen(p), NULL);
}

static void test_rfc_examples(void)
{
    cJSON *doc = cJSON_Parse(rfc_doc);
    T_ASSERT(doc != NULL, "the RFC's document parses");
    T_CHECK(get(doc, "") == doc, "\"\" is the whole document");
    T_CHECK(cJSON_IsArray(get(doc, "/foo")), "/foo is the array");
    const cJSON *bar = get(doc, "/foo/0");
    T_CHECK(cJSON_IsString(bar) && strcmp(bar->valuestring, "bar") == 0, "/foo/0 is \"bar\"");
    static const struct { const char *ptr; int want; } num[] = {
        { "/", 0 }, { "/a~1b", 1 }, { "/c%d", 2 }, { "/e^f", 3 }, { "/g|h", 4 },
        { "/i\\j", 5 }, { "/k\"l", 6 }, { "/ ", 7 }, { "/m~0n", 8 },
    };
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++) {
        const cJSON *v = get(doc, num[i].ptr);
        T_CHECK(cJSON_IsNumber(v) && v->valueint == num[i].want, "%s is %d", num[i].ptr, num[i].want);
    }
    cJSON_Delete(doc);
}

static void test_join_escapes(void)
{
    char *p = jsonptr_join("/properties", "a/b", "m~n");
    T_ASSERT(p != NULL, "joined");
    T_CHECK(strcmp(p, "/properties/a~1b/m~0n") == 0, "escaped: %s", p);
    free(p);
    p = jsonptr_join("", "items", NULL);
    T_CHECK(p && strcmp(p, "/items") == 0, "one key: %s", p ? p : "(null)");
    free(p);
    /* What join builds, get follows back. */
    cJSON *doc = cJSON_Parse(rfc_doc);
    p = jsonptr_join("", "m~n", NULL);
    const cJSON *v = p ? get(doc, p) : NULL;
    T_CHECK(cJSON_IsNumber(v) && v->valueint == 8, "join then get finds m~n");
    free(p);
    cJSON_Delete(doc);
}

static void test_malformed_refused(void)
{
    cJSON *doc = cJSON_Parse(rfc_doc);
    char longtok[300] = "/";
    memset(longtok + 1, 'x', 280);
    longtok[281] = '\0';
    static const char *const bad[] = {
        "foo",          /* not led by '/' */
        "/m~2n",        /* ~ not followed by 0 or 1 */
        "/m~",          /* ~ at the end */
        "/foo/01x",     /* not an index */
        "/foo/-1",
        "/foo/2",       /* past the end */
        "/foo/0/x",     /* below a string */
        "/nope",
        "/foo/1234567890",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        T_CHECK(get(doc, bad[i]) == NULL, "'%s' names nothing", bad[i]);
    T_CHECK(get(doc, longtok) == NULL, "a token of 280 bytes is refused");
    cJSON_Delete(doc);
}

static void test_deepest(void)
{
    cJSON *doc = cJSON_Parse("{\"properties\":{\"view\":{\"type\":\"string\"}}}");
    T_ASSERT(doc != NULL, "parses");
    const cJSON *view = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "properties"), "view");
    const cJSON *deep = NULL;
    const char *p = "/properties/view/pattern: not a valid regex";
    T_CHECK(jsonptr_get(doc, p, strlen("/properties/view/pattern"), &deep) == NULL, "pattern is absent");
    T_CHECK(deep == view, "the deepest node reached is view");
    T_CHECK(jsonptr_get(doc, "/properties/view", 16, &deep) == view && deep == view, "found: deepest is it");
    T_CHECK(jsonptr_get(doc, "x", 1, &deep) == NULL && deep == doc, "malformed: deepest is the document");
    cJSON_Delete(doc);
}

int main(void)
{
    t_run("jsonptr_rfc6901_examples", test_rfc_examples);
    t_run("jsonptr_join_escapes", test_join_escapes);
    t_run("jsonptr_malformed_refused", test_malformed_refused);
    t_run("jsonptr_deepest_reached", test_deepest);
    return t_done();
}
