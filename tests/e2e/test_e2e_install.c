/* test_e2e_install: `make install DESTDIR=...` into a temporary root, then
 * the installed gateway, started outside the repository with no
 * --tools-dir, serves the shipped tools against slicer-sim (the schemas
 * its outputSchemas $ref and the redaction rules came along); the unit
 * passes `systemd-analyze verify` where that runs; `make uninstall`
 * leaves no file behind (issue 17). */
#include "e2e.h"
#include "mcpclient.h"
#include "testlib.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char g_root[512];
/* The PREFIX the build was made for (make's default unless the caller
 * set one): found where the binary landed, so installing here never
 * rebuilds the binary the other tests run. */
static char g_prefix[512];

/* Runs a shell command; its output goes to LOG in the test folder. */
static int sh(const char *cmd)
{
    char full[16384];
    snprintf(full, sizeof full, "(%.8000s) >>'%.256s/commands.log' 2>&1", cmd, t_tmpdir());
    int st = system(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ROOT/PREFIX/rel in a static buffer. */
static const char *inst(const char *rel)
{
    static char p[1200];
    snprintf(p, sizeof p, "%s%s/%.100s", g_root, g_prefix, rel);
    return p;
}

static int exists(const char *rel)
{
    struct stat st;
    const char *p = inst(rel);
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Regular files left under dir (recursively). */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (lstat(p, &st) != 0)
            continue;
        n += S_ISDIR(st.st_mode) ? count_files(p) : 1;
    }
    if (d)
        closedir(d);
    return n;
}

/* The yaml files of the repository's tools.d, and how many of them need
 * no policy (what a default gateway offers). */
static void repo_tools(int *files, int *offered)
{
    *files = *offered = 0;
    DIR *d = opendir("tools.d");
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml"))
            continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "tools.d/%s", de->d_name);
        char *text = t_read_file(p, NULL);
        (*files)++;
        *offered += text && !strstr(text, "\npolicy:");
        free(text);
    }
    if (d)
        closedir(d);
}

static void test_install_and_run(void)
{
    snprintf(g_root, sizeof g_root, "%s/root", t_tmpdir());
    char cmd[8000];
    snprintf(cmd, sizeof cmd, "make -s install BUILD='%s' DESTDIR='%s'", t_build_dir(), g_root);
    T_ASSERT(sh(cmd) == 0, "make install failed; see %s/commands.log", t_tmpdir());
    snprintf(cmd, sizeof cmd, "cd '%s' && find . -path '*/bin/slicer-mcp'", g_root);
    FILE *f = popen(cmd, "r");
    char found[512] = "";
    if (f) {
        if (!fgets(found, sizeof found, f))
            found[0] = '\0';
        pclose(f);
    }
    char *bin = strstr(found, "/bin/slicer-mcp");
    T_ASSERT(found[0] == '.' && bin, "no bin/slicer-mcp under %s", g_root);
    *bin = '\0';
    snprintf(g_prefix, sizeof g_prefix, "%s", found + 1);
    const char *want[] = {
        "bin/slicer-mcp",
        "share/slicer-mcp/tools.d/list_volumes.yaml",
        "share/slicer-mcp/tools.d/redact/recommended.yaml",
        "share/slicer-mcp/schemas/volume_list.schema.json",
        "share/man/man8/slicer-mcp.8",
        "share/doc/slicer-mcp/slicer-mcp.conf.example",
        "share/doc/slicer-mcp/nginx-slicer-mcp.conf",
        "lib/systemd/system/slicer-mcp.service",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        T_CHECK(exists(want[i]), "not installed: %s", inst(want[i]));
    char *u = t_read_file(inst("lib/systemd/system/slicer-mcp.service"), NULL);
    char exec_line[600];
    snprintf(exec_line, sizeof exec_line, "ExecStart=%s/bin/slicer-mcp ", g_prefix);
    T_CHECK(u && strstr(u, exec_line), "the unit's ExecStart names the installed binary (%s)", exec_line);
    free(u);

    /* Started from another folder, with nothing but Slicer's address: it
     * must find its own tools.d and schemas. */
    t_sim *sim = t_sim_start(NULL);
    T_ASSERT(sim, "slicer-sim");
    char cwd[PATH_MAX], exe[1200], redact[1200];
    T_ASSERT(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    snprintf(exe, sizeof exe, "%s", inst("bin/slicer-mcp"));
    snprintf(redact, sizeof redact, "%s", inst("share/slicer-mcp/tools.d/redact/recommended.yaml"));
    T_ASSERT(chdir(t_tmpdir()) == 0, "chdir");
    const char *args[] = { "--slicer-url", t_sim_url(sim), "--redact", redact, NULL };
    t_mcp *m = t_mcp_start_exe(exe, args);
    int ok = m && t_mcp_handshake(m, "2025-11-25") == 0;
    T_CHECK(ok, "the installed gateway answers initialize; stderr in %s", m ? t_mcp_stderr_path(m) : "?");
    if (ok) {
        int files, offered;
        T_ASSERT(chdir(cwd) == 0, "chdir back");
        repo_tools(&files, &offered);
        cJSON *r = t_mcp_request(m, "tools/list", NULL, 5000);
        const cJSON *tools = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "result"), "tools");
        T_CHECK(cJSON_GetArraySize(tools) == offered && offered > 0, "%d tools offered, want %d of %d",
                cJSON_GetArraySize(tools), offered, files);
        cJSON_Delete(r);
        /* list_volumes' outputSchema is a $ref into schemas/: validated */
        r = t_mcp_call(m, "list_volumes", "{}", 10000);
        const cJSON *vols = cJSON_GetObjectItem(e2e_structured(r), "volumes");
        T_CHECK(!t_mcp_is_error(r) && cJSON_GetArraySize(vols) > 0, "list_volumes: %s", t_mcp_text(r));
        cJSON_Delete(r);
        r = t_mcp_call(m, "capture_3d_view", "{}", 10000);
        unsigned w = 0, h = 0;
        unsigned char *rgba = NULL;
        size_t png = 0;
        T_CHECK(!t_mcp_is_error(r) && e2e_image(r, &w, &h, &rgba, &png) == 0 && w > 0 && h > 0,
                "capture_3d_view: %s", t_mcp_text(r));
        free(rgba);
        cJSON_Delete(r);
    }
    T_CHECK(chdir(cwd) == 0, "chdir back");
    T_CHECK(m && t_mcp_close(m, 5000) == 0, "clean exit");
    t_mcp_free(m);
    t_sim_stop(sim);

    /* A copy outside the tree falls back to the compiled-in folder,
     * PREFIX/share/slicer-mcp/tools.d (not installed there: skipped if it
     * is, as on a machine where make install ran). */
    char compiled[600];
    struct stat st;
    snprintf(compiled, sizeof compiled, "%s/share/slicer-mcp/tools.d", g_prefix);
    if (stat(compiled, &st) == 0)
        return;
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/moved' && cd / && '%s/moved' list 2>'%s/moved.stderr'", exe,
             t_tmpdir(), t_tmpdir(), t_tmpdir());
    T_CHECK(sh(cmd) == 2, "a moved binary without its tools.d refuses to start");
    snprintf(cmd, sizeof cmd, "%s/moved.stderr", t_tmpdir());
    char *why = t_read_file(cmd, NULL);
    T_CHECK(why && strstr(why, compiled), "names the compiled-in folder %s: %s", compiled, why ? why : "");
    free(why);
}

/* systemd-analyze verify, where it is installed (Debian: package
 * systemd); the man page must be found for Documentation=. */
static void test_unit_verifies(void)
{
    if (sh("command -v systemd-analyze") != 0) {
        printf("  (systemd-analyze is not installed: the unit was not verified)\n");
        return;
    }
    char unit[600], cmd[8000];
    snprintf(unit, sizeof unit, "%.256s/slicer-mcp.service", t_tmpdir());
    /* ExecStart must name a binary that exists: point it into the root */
    snprintf(cmd, sizeof cmd, "sed 's|=%s/bin|=%s%s/bin|' '%s' > '%s'", g_prefix, g_root, g_prefix,
             inst("lib/systemd/system/slicer-mcp.service"), unit);
    T_ASSERT(g_prefix[0] && sh(cmd) == 0, "copy the unit");
    snprintf(cmd, sizeof cmd, "MANPATH='%s' systemd-analyze verify '%s'", inst("share/man"), unit);
    T_CHECK(sh(cmd) == 0, "systemd-analyze verify failed; see %s/commands.log", t_tmpdir());
    snprintf(cmd, sizeof cmd, "systemd-analyze security --offline=true --threshold=20 '%s'", unit);
    T_CHECK(sh(cmd) == 0, "exposure above 2.0; see %s/commands.log", t_tmpdir());
}

static void test_uninstall(void)
{
    char cmd[8000];
    snprintf(cmd, sizeof cmd, "make -s uninstall BUILD='%s' DESTDIR='%s'", t_build_dir(), g_root);
    T_ASSERT(sh(cmd) == 0, "make uninstall failed; see %s/commands.log", t_tmpdir());
    int left = count_files(g_root);
    T_CHECK(left == 0, "%d files left under %s", left, g_root);
    struct stat st;
    T_CHECK(stat(inst("share/slicer-mcp"), &st) != 0, "%s is still there", inst("share/slicer-mcp"));
}

int main(void)
{
    t_run("install_runs_end_to_end", test_install_and_run);
    t_run("install_unit_verifies", test_unit_verifies);
    t_run("install_uninstall_removes_everything", test_uninstall);
    return t_done();
}
