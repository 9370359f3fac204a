/* test_e2e_check: the real binary's `check` and `list` commands over the
 * fixture folders of tests/fixtures/check: every problem class with its
 * exact file:line:col line, the closing count, the exit codes, and the
 * table of tools with and without --allow-exec. */
#include "slicer/adapters.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define FIX "tests/fixtures/check"

/* Runs `slicer-mcp ARGS` with stderr kept apart; *out gets stdout (caller
 * frees).  Returns the exit status, or -1 if it did not exit normally. */
static int run(const char *args, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", t_bin("slicer-mcp"), args);
    FILE *p = popen(cmd, "r");
    size_t len = 0, cap = 4096;
    char *text = malloc(cap);
    *out = text;
    if (!p || !text) {
        if (p)
            pclose(p);
        return -1;
    }
    size_t r;
    while ((r = fread(text + len, 1, cap - len - 1, p)) > 0) {
        len += r;
        if (len + 1 == cap) {
            char *bigger = realloc(text, cap *= 2);
            if (!bigger)
                break;
            *out = text = bigger;
        }
    }
    text[len] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void check_lines(const char *got, const char *want)
{
    T_CHECK(strcmp(got, want) == 0, "output differs:\n--- got\n%s--- want\n%s", got, want);
}

static const char table_off[] =
    "TOOL                     HINTS SLICER REQUEST                           POLICY   OFFERED\n"
    "execute_python_code      -d-   POST /slicer/exec                        exec     no (policy off)\n"
    "list_volumes             r-i   GET /slicer/volumes                      -        yes\n"
    "slice_image              ---   adapter slice_view                       -        yes\n"
    "3 tools, 2 offered\n";

static const char table_on[] =
    "TOOL                     HINTS SLICER REQUEST                           POLICY   OFFERED\n"
    "execute_python_code      -d-   POST /slicer/exec                        exec     yes\n"
    "list_volumes             r-i   GET /slicer/volumes                      -        yes\n"
    "slice_image              ---   adapter slice_view                       -        yes\n"
    "3 tools, 3 offered\n";

static void test_check_good(void)
{
    char *out;
    int rc = run("check " FIX "/good", &out);
    T_CHECK(rc == 0, "exit %d", rc);
    check_lines(out, table_off);
    free(out);
    /* The shipped folder passes too. */
    rc = run("check tools.d", &out);
    T_CHECK(rc == 0 && strstr(out, " offered\n") != NULL, "exit %d:\n%s", rc, out);
    free(out);
}

/* One file per problem class; all reported at once, in file order. */
static void test_check_bad(void)
{
    /* The adapters this build knows, as the message lists them. */
    char known[512] = "";
    for (const char *const *a = adapter_names; *a; a++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                 a == adapter_names ? "" : ", ", *a);
    char want[8192];
    snprintf(want, sizeof want,
        /* YAML syntax */
        FIX "/bad/a_syntax.yaml:3:1: did not find expected ',' or ']' (while parsing a flow "
        "sequence)\n"
        /* tool.schema.json: required key, unknown key with a hint, enum */
        FIX "/bad/b_schema.yaml:1:1: missing required key 'inputSchema'\n"
        FIX "/bad/b_schema.yaml:3:1: unknown key 'inputShema' (did you mean 'inputSchema'?)\n"
        FIX "/bad/b_schema.yaml:5:11: 'method' in request must be one of GET, POST, PUT, DELETE "
        "(not 'FETCH')\n"
        /* unknown adapter */
        FIX "/bad/c_adapter.yaml:4:10: unknown adapter 'no_such_adapter' (known: %s)\n"
        /* duplicate tool name */
        FIX "/bad/d_dup.yaml:1:1: duplicate tool name 'c_adapter' (first defined in "
        FIX "/bad/c_adapter.yaml)\n"
        /* a $ref that does not resolve */
        FIX "/bad/e_ref.yaml:4:3: inputSchema $ref: cannot read " FIX "/bad/../schemas/"
        "nowhere.json: No such file or directory\n"
        /* a path Slicer routes to exec, and to another guarded endpoint */
        FIX "/bad/f_exec.yaml:9:9: request path /slicer/exec is guarded by policy 'exec' "
        "(/slicer/exec runs arbitrary Python in Slicer); a "
        "tool reaching it must declare 'policy: exec'\n"
        FIX "/bad/g_write.yaml:6:9: request path /slicer/mrml/file is guarded by policy "
        "'write_files' (/slicer/mrml/file writes a file on Slicer's host); a tool reaching it "
        "must declare 'policy: write_files'\n"
        /* a schema keyword the validator would not enforce */
        FIX "/bad/h_unsupported.yaml:6:24: inputSchema/properties/ids/uniqueItems: keyword "
        "'uniqueItems' is not supported by slicer-mcp's validator; it would not be enforced\n"
        FIX "/bad: 10 problems; no tools loaded\n", known);
    char *out;
    int rc = run("check " FIX "/bad", &out);
    T_CHECK(rc == 1, "exit %d", rc);
    check_lines(out, want);
    free(out);
}

static void test_check_missing_folder(void)
{
    char *out;
    int rc = run("check " FIX "/nope", &out);
    T_CHECK(rc == 1, "exit %d", rc);
    check_lines(out, FIX "/nope: cannot open tools folder: No such file or directory\n"
                FIX "/nope: 1 problem; no tools loaded\n");
    free(out);
}

static void test_list(void)
{
    char *out;
    int rc = run("list --tools-dir " FIX "/good", &out);
    T_CHECK(rc == 0, "exit %d", rc);
    check_lines(out, table_off);
    free(out);
    rc = run("list --tools-dir " FIX "/good --allow-exec", &out);
    T_CHECK(rc == 0, "exit %d", rc);
    check_lines(out, table_on);
    free(out);
    /* list refuses a broken folder like the server would: problems on stderr. */
    rc = run("list --tools-dir " FIX "/bad", &out);
    T_CHECK(rc == 2 && out[0] == '\0', "exit %d, stdout:\n%s", rc, out);
    free(out);
}

int main(void)
{
    t_run("check_good", test_check_good);
    t_run("check_bad", test_check_bad);
    t_run("check_missing_folder", test_check_missing_folder);
    t_run("list", test_list);
    return t_done();
}
