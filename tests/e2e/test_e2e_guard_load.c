/* End-to-end: every guarded endpoint class a tools.d file can name by
 * method, path, query parameter names and body is refused by `check` (and
 * so at start-up) with the reason, unless the file declares the policy;
 * declared, the tool loads but is offered only when the gateway enables
 * that policy.  (Query values are judged again per call:
 * test_e2e_admin.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testlib.h"

/* extra: request lines after the path; the tool has one string argument,
 * data.  why: part of the reason check must give. */
static const struct {
    const char *method, *path, *policy, *extra, *why;
} classes[] = {
    { "POST",   "/slicer/exec",         "exec", "", "arbitrary Python" },
    { "GET",    "/slicer/execute",      "exec", "", "arbitrary Python" },
    { "DELETE", "/slicer/system",       "quit_slicer", "", "quits Slicer" },
    { "DELETE", "/slicer/systemInfo",   "quit_slicer", "", "quits Slicer" },
    { "GET",    "/slicer/sampledata",   "network_download", "", "network" },
    { "POST",   "/slicer/mrml",         "load_local_files", "", "loads a file" },
    { "POST",   "/slicer/mrml/names",   "load_local_files", "", "loads a file" },
    { "GET",    "/slicer/mrml/file",    "write_files", "", "writes a file" },
    { "GET",    "/slicer/mrml/fileX",   "write_files", "", "writes a file" },
    { "POST",   "/slicer/accessDICOMwebStudy", "network_download", "", "network" },
    /* issue 16: a free-form class removed all 22 nodes of the scene */
    { "DELETE", "/slicer/mrml",         "clear_scene", "  query: {class: \"{data}\"}\n",
      "without an exact node id" },
    { "DELETE", "/slicer/mrml",         "clear_scene", "  query: {name: \"{data}\"}\n",
      "without an exact node id" },
    { "DELETE", "/slicer/mrml/ids",     "clear_scene", "", "clears the whole scene" },
    { "PUT",    "/slicer/mrml",         "reload_from_disk", "  query: {class: vtkMRMLNode}\n",
      "reloads every node" },
    { "POST",   "/slicer/volume",       "overwrite_volumes",
      "  query: {id: \"{data}\"}\n  body: \"{data}\"\n", "overwrites the voxels" },
    { "PUT",    "/slicer/volume",       "overwrite_volumes", "  body: \"{data}\"\n",
      "overwrites the voxels" },
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
             "inputSchema: {type: object, properties: {data: {type: string}}, "
             "additionalProperties: false}\n"
             "request:\n"
             "  method: %s\n"
             "  path: %s\n"
             "%s"
             "result: {type: json}\n",
             declare ? "policy: " : "", declare ? classes[i].policy : "", declare ? "\n" : "",
             classes[i].method, classes[i].path, classes[i].extra);
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
        T_CHECK(out && strstr(out, classes[i].why), "%s %s: the reason says '%s': %s",
                classes[i].method, classes[i].path, classes[i].why, out ? out : "");
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
