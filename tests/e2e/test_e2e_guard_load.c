/* End-to-end: every guarded endpoint class a tools.d file can name by
 * method and path is refused by `check` (and so at start-up) unless the
 * file declares the policy; declared, the tool loads but is offered only
 * when the gateway enables that policy.  (Classes that depend on the query,
 * such as clearing the scene, are judged per call: test_e2e_admin.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testlib.h"

static const struct {
    const char *method, *path, *policy;
} classes[] = {
    { "POST",   "/slicer/exec",         "exec" },
    { "GET",    "/slicer/execute",      "exec" },
    { "DELETE", "/slicer/system",       "quit_slicer" },
    { "DELETE", "/slicer/systemInfo",   "quit_slicer" },
    { "GET",    "/slicer/sampledata",   "network_download" },
    { "POST",   "/slicer/mrml",         "load_local_files" },
    { "POST",   "/slicer/mrml/names",   "load_local_files" },
    { "GET",    "/slicer/mrml/file",    "write_files" },
    { "GET",    "/slicer/mrml/fileX",   "write_files" },
    { "POST",   "/slicer/accessDICOMwebStudy", "network_download" },
};

/* Runs the gateway with args; *out gets stdout+stderr. */
static int run(const char *args, char **out)
{
    char cmd[2048], path[600];
    snprintf(path, sizeof path, "%s/run.out", t_tmpdir());
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>&1 </dev/null", t_bin("slicer-mcp"), args, path);
    int st = system(cmd);
    *out = t_read_file(path, NULL);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *write_tool(int i, int declare)
{
    static char dir[512];
    char file[700], cmd[1200], yaml[1024];
    snprintf(dir, sizeof dir, "%s/guard-%d-%d", t_tmpdir(), i, declare);
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
    if (system(cmd) != 0)
        return NULL;
    snprintf(yaml, sizeof yaml,
             "name: guarded\n"
             "description: reaches a guarded endpoint\n"
             "%s%s%s"
             "inputSchema: {type: object, additionalProperties: false}\n"
             "request:\n"
             "  method: %s\n"
             "  path: %s\n"
             "result: {type: json}\n",
             declare ? "policy: " : "", declare ? classes[i].policy : "", declare ? "\n" : "",
             classes[i].method, classes[i].path);
    snprintf(file, sizeof file, "%s/guarded.yaml", dir);
    t_write_file(file, yaml, strlen(yaml));
    return dir;
}

static void test_refused_without_policy(void)
{
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const char *dir = write_tool((int)i, 0);
        char args[800], want[300], *out = NULL;
        snprintf(args, sizeof args, "check %s --schemas-dir schemas", dir);
        int st = run(args, &out);
        snprintf(want, sizeof want, "guarded.yaml:6:9: request path %s is guarded by policy '%s'",
                 classes[i].path, classes[i].policy);
        T_CHECK(st == 1 && out && strstr(out, want), "%s %s: exit %d, output: %s", classes[i].method,
                classes[i].path, st, out ? out : "");
        free(out);
        /* and the gateway refuses to start with it */
        snprintf(args, sizeof args, "--tools-dir %s --schemas-dir schemas --audit-log off", dir);
        st = run(args, &out);
        T_CHECK(st == 2 && out && strstr(out, want), "%s %s: start refused (exit %d)", classes[i].method,
                classes[i].path, st);
        free(out);
    }
}

static void test_declared_policy_offered_only_when_enabled(void)
{
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const char *dir = write_tool((int)i, 1);
        char args[800], *out = NULL;
        snprintf(args, sizeof args, "list --tools-dir %s --schemas-dir schemas", dir);
        int st = run(args, &out);
        T_CHECK(st == 0 && out && strstr(out, "no (policy off)"), "%s %s declared: loads, not offered (%d)",
                classes[i].method, classes[i].path, st);
        free(out);
        snprintf(args, sizeof args, "list --tools-dir %s --schemas-dir schemas --allow %s", dir,
                 classes[i].policy);
        st = run(args, &out);
        T_CHECK(st == 0 && out && strstr(out, " yes\n"), "%s %s: offered with --allow %s", classes[i].method,
                classes[i].path, classes[i].policy);
        free(out);
    }
}

int main(void)
{
    t_run("guarded_paths_refused_at_load", test_refused_without_policy);
    t_run("guarded_paths_allowed_with_policy", test_declared_policy_offered_only_when_enabled);
    return t_done();
}
