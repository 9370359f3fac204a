/* End-to-end: the markups spool as an admin sets it up.  The gateway
 * refuses a --spool-dir another local user could tamper with (issue 16:
 * such a user renamed its own .mrk.json over the gateway's file and
 * get_markups then showed the injected points), names its files with
 * nothing of the markup's name, and removes the files a gateway killed
 * with -9 left behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "testlib.h"

/* Serves stdio with stdin at EOF: exits 0 once started, 2 when refused.
 * *out gets stderr (caller frees). */
static int serve_once(const char *spool_dir, char **out)
{
    char cmd[2048], path[600];
    snprintf(path, sizeof path, "%s/serve.err", t_tmpdir());
    snprintf(cmd, sizeof cmd, "%s --tools-dir tools.d --schemas-dir schemas --audit-log off "
             "--spool-dir '%s' </dev/null >/dev/null 2>%s", t_bin("slicer-mcp"), spool_dir, path);
    int st = system(cmd);
    *out = t_read_file(path, NULL);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_unsafe_folder_refused(void)
{
    static const struct { const char *name; mode_t mode; const char *why; } cases[] = {
        { "everyone", 0777, "writable by others" },
        { "group", 0770, "sticky" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = NULL;
        int rc = serve_once(t_dir(cases[i].name, cases[i].mode), &err);
        T_CHECK(rc == 2 && err && strstr(err, cases[i].why), "%s (%o): exit %d: %s", cases[i].name,
                (unsigned)cases[i].mode, rc, err ? err : "");
        free(err);
    }
    char *err = NULL;
    int rc = serve_once("spool-relative", &err);
    T_CHECK(rc == 2 && err && strstr(err, "absolute"), "relative: exit %d: %s", rc, err ? err : "");
    free(err);
    rc = serve_once(t_dir("fine", 0700), &err);
    T_CHECK(rc == 0, "a 0700 folder of ours is fine: exit %d: %s", rc, err ? err : "");
    free(err);
}

static void test_leftover_removed_at_start(void)
{
    const char *dir = t_dir("leftover", 0700);
    char file[700];
    snprintf(file, sizeof file, "%s/slicer-mcp-00112233445566778899aabbccddeeff.mrk.json", dir);
    t_write_file(file, "{\"markups\":[{\"name\":\"DOE^JOHN\"}]}", 33);
    char *err = NULL;
    int rc = serve_once(dir, &err);
    T_CHECK(rc == 0 && access(file, F_OK) != 0, "a dead gateway's spool file is removed at start "
            "(exit %d): %s", rc, err ? err : "");
    free(err);
}

static void test_random_names(void)
{
    const char *d = t_dir("named", 0700);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", d);
    e2e x;
    const char *mcp[] = { "--spool-dir", dir, NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    for (int i = 0; i < 2; i++) {
        cJSON *r = t_mcp_call(x.mcp, "place_markups", "{\"type\":\"line\",\"name\":\"DOE^JOHN MRN 1234567\","
                              "\"points\":[{\"r\":0,\"a\":0,\"s\":0},{\"r\":1,\"a\":0,\"s\":0}]}", 5000);
        T_CHECK(!t_mcp_is_error(r), "placed: %s", t_mcp_text(r));
        cJSON_Delete(r);
    }
    char want[600], name0[256], name1[256];
    /* The folder percent-encoded as the gateway sends it: '/' is %2F. */
    size_t w = (size_t)snprintf(want, sizeof want, "/slicer/mrml?localfile=");
    for (const char *c = dir; *c && w + 4 < sizeof want; c++)
        w += (size_t)snprintf(want + w, sizeof want - w, *c == '/' ? "%%2F" : "%c", *c);
    snprintf(want + w, sizeof want - w, "%%2F");
    for (int i = 0; i < 2; i++) {
        const char *t = e2e_log_target(&x, "/slicer/mrml?localfile=", i);
        /* The file name: the first query value after the folder, up to '&'. */
        size_t n = strncmp(t, want, strlen(want)) == 0 ? strcspn(t + strlen(want), "&") : 0;
        snprintf(i ? name1 : name0, sizeof name0, "%.*s", (int)n, t + strlen(want));
        T_CHECK(n > 0, "in the spool folder: %s", t);
    }
    size_t p = strlen("slicer-mcp-");
    T_CHECK(strlen(name0) == p + 32 + 9 && strncmp(name0, "slicer-mcp-", p) == 0 &&
            strspn(name0 + p, "0123456789abcdef") == 32 && strcmp(name0 + p + 32, ".mrk.json") == 0,
            "random name: %s", name0);
    T_CHECK(strcmp(name0, name1) != 0, "two calls, two names: %s / %s", name0, name1);
    T_CHECK(!strstr(name0, "DOE") && !strstr(name0, "1234567"), "no part of the name: %s", name0);
    e2e_stop(&x);
}

int main(void)
{
    t_run("spool_unsafe_folder_refused", test_unsafe_folder_refused);
    t_run("spool_leftover_removed_at_start", test_leftover_removed_at_start);
    t_run("spool_random_names", test_random_names);
    return t_done();
}
