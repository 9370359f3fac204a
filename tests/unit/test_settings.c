/* test_settings: the command line and config file as an admin writes
 * them (issue 17): options on either side of the command, unknown options
 * named as such, quoted config values, and systemd's service folders. */
#include "app/settings.h"
#include "testlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a NULL-terminated argument list; 0 or -1 as settings_parse. */
static int parse(settings *s, err *e, const char *const *args)
{
    char *argv[32] = { (char *)(uintptr_t)"slicer-mcp" };
    int argc = 1;
    while (args[argc - 1] && argc < 31) {
        argv[argc] = (char *)(uintptr_t)args[argc - 1];
        argc++;
    }
    memset(e, 0, sizeof *e);
    return settings_parse(s, argc, argv, e);
}

static const char *conf(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", t_tmpdir(), name);
    t_write_file(path, text, strlen(text));
    return path;
}

static void test_options_after_the_command(void)
{
    const char *f = conf("a.conf", "slicer-url = http://127.0.0.1:7\n");
    settings s;
    err e;
    const char *before[] = { "--config", f, "list", NULL };
    T_ASSERT(parse(&s, &e, before) == 0, "%s", e.msg);
    T_CHECK(s.cmd == CMD_LIST && !strcmp(s.slicer_url, "http://127.0.0.1:7"), "cmd %d url %s", s.cmd, s.slicer_url);
    settings_free(&s);
    const char *after[] = { "list", "--config", f, "--page-size", "5", NULL };
    T_ASSERT(parse(&s, &e, after) == 0, "%s", e.msg);
    T_CHECK(s.cmd == CMD_LIST && !strcmp(s.slicer_url, "http://127.0.0.1:7") && s.page_size == 5,
            "cmd %d url %s page %ld", s.cmd, s.slicer_url, s.page_size);
    settings_free(&s);
    /* check's folder wins over the config file's tools-dir, on either side */
    const char *g = conf("b.conf", "tools-dir = /from/config\n");
    const char *chk[] = { "check", "mydir", "--config", g, NULL };
    T_ASSERT(parse(&s, &e, chk) == 0, "%s", e.msg);
    T_CHECK(s.cmd == CMD_CHECK && !strcmp(s.tools_dir, "mydir"), "tools_dir %s", s.tools_dir);
    settings_free(&s);
    const char *two[] = { "list", "extra", NULL };
    T_CHECK(parse(&s, &e, two) < 0 && strstr(e.msg, "unexpected argument 'extra'"), "%s", e.msg);
    settings_free(&s);
}

static void test_unknown_option(void)
{
    settings s;
    err e;
    const char *last[] = { "--no-such-thing", NULL };
    T_CHECK(parse(&s, &e, last) < 0 && strstr(e.msg, "unknown option '--no-such-thing'"), "%s", e.msg);
    settings_free(&s);
    const char *mid[] = { "--no-such=1", "list", NULL };
    T_CHECK(parse(&s, &e, mid) < 0 && strstr(e.msg, "unknown option '--no-such'"), "%s", e.msg);
    settings_free(&s);
    const char *novalue[] = { "--tools-dir", NULL };
    T_CHECK(parse(&s, &e, novalue) < 0 && strstr(e.msg, "needs a value"), "%s", e.msg);
    settings_free(&s);
    const char *f = conf("c.conf", "# a comment\nfrobnicate = 1\n");
    const char *c[] = { "--config", f, NULL };
    T_CHECK(parse(&s, &e, c) < 0 && strstr(e.msg, "c.conf:2") && strstr(e.msg, "unknown option 'frobnicate'"),
            "%s", e.msg);
    settings_free(&s);
}

static void test_quoted_values(void)
{
    settings s;
    err e;
    const char *f = conf("q.conf", "slicer-url = \"http://127.0.0.1:2016\"\n"
                                   "spool_dir='/var/spool/x y'\n"
                                   "log-level = \"debug\"\n");
    const char *a[] = { "--config", f, NULL };
    T_ASSERT(parse(&s, &e, a) == 0, "%s", e.msg);
    T_CHECK(!strcmp(s.slicer_url, "http://127.0.0.1:2016"), "url [%s]", s.slicer_url);
    T_CHECK(!strcmp(s.spool_dir, "/var/spool/x y"), "spool [%s]", s.spool_dir);
    T_CHECK(!strcmp(s.log_level, "debug"), "level [%s]", s.log_level);
    settings_free(&s);
    const char *bad[] = { "slicer-url = \"http://127.0.0.1:2016\n", "x = '\n", "slicer-url = \"a'\n" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *g = conf("bad.conf", bad[i]);
        const char *b[] = { "--config", g, NULL };
        T_CHECK(parse(&s, &e, b) < 0 && strstr(e.msg, "bad.conf:1") && strstr(e.msg, "quote"), "%zu: %s", i, e.msg);
        settings_free(&s);
    }
}

/* A service user has no usable home: systemd's folders decide. */
static void test_service_folders(void)
{
    settings s;
    err e;
    const char *none[] = { NULL };
    setenv("HOME", "/nonexistent", 1);
    setenv("XDG_STATE_HOME", "/xdg", 1);
    setenv("STATE_DIRECTORY", "/var/lib/slicer-mcp:/var/lib/other", 1);
    T_ASSERT(parse(&s, &e, none) == 0, "%s", e.msg);
    T_CHECK(!strcmp(s.audit_log, "/var/lib/slicer-mcp/audit.jsonl"), "%s", s.audit_log);
    settings_free(&s);
    setenv("LOGS_DIRECTORY", "/var/log/slicer-mcp", 1);
    T_ASSERT(parse(&s, &e, none) == 0, "%s", e.msg);
    T_CHECK(!strcmp(s.audit_log, "/var/log/slicer-mcp/audit.jsonl"), "%s", s.audit_log);
    settings_free(&s);
    unsetenv("LOGS_DIRECTORY");
    unsetenv("STATE_DIRECTORY");
    T_ASSERT(parse(&s, &e, none) == 0, "%s", e.msg);
    T_CHECK(!strcmp(s.audit_log, "/xdg/slicer-mcp/audit.jsonl"), "%s", s.audit_log);
    settings_free(&s);
    unsetenv("XDG_STATE_HOME");

    /* LoadCredential=token:... : $CREDENTIALS_DIRECTORY/token, unless named */
    char tok[512];
    snprintf(tok, sizeof tok, "%s/token", t_tmpdir());
    t_write_file(tok, "secret\n", 7);
    setenv("CREDENTIALS_DIRECTORY", t_tmpdir(), 1);
    T_ASSERT(parse(&s, &e, none) == 0, "%s", e.msg);
    T_CHECK(s.token_file && !strcmp(s.token_file, tok), "%s", s.token_file ? s.token_file : "(none)");
    settings_free(&s);
    const char *named[] = { "--token-file", "/etc/t", NULL };
    T_ASSERT(parse(&s, &e, named) == 0, "%s", e.msg);
    T_CHECK(!strcmp(s.token_file, "/etc/t"), "%s", s.token_file);
    settings_free(&s);
    unsetenv("CREDENTIALS_DIRECTORY");
}

/* --metrics and its config-file key: off by default, "off" undoes a
 * config file's value, only with --http. */
static void test_metrics(void)
{
    settings s;
    err e;
    const char *none[] = { "--http", "8765", NULL };
    T_ASSERT(parse(&s, &e, none) == 0, "%s", e.msg);
    T_CHECK(!s.metrics && !s.metrics_allow_remote, "off by default");
    settings_free(&s);
    const char *f = conf("m.conf", "http = 8765\nmetrics = 127.0.0.1:9464\nmetrics_allow_remote = true\n");
    const char *from_file[] = { "--config", f, NULL };
    T_ASSERT(parse(&s, &e, from_file) == 0, "%s", e.msg);
    T_CHECK(s.metrics && !strcmp(s.metrics, "127.0.0.1:9464") && s.metrics_allow_remote, "from the config file");
    settings_free(&s);
    const char *undone[] = { "--config", f, "--metrics", "off", NULL };
    T_ASSERT(parse(&s, &e, undone) == 0, "%s", e.msg);
    T_CHECK(!s.metrics, "the command line turns it off again");
    settings_free(&s);
    const char *stdio[] = { "--metrics", "on", NULL };
    T_CHECK(parse(&s, &e, stdio) < 0 && strstr(e.msg, "--http"), "stdio has no /metrics: %s", e.msg);
    settings_free(&s);
    const char *bad[] = { "--http", "8765", "--metrics-allow-remote", "yes", NULL };
    T_CHECK(parse(&s, &e, bad) < 0 && strstr(e.msg, "true or false"), "%s", e.msg);
    settings_free(&s);
}

int main(void)
{
    t_run("settings_options_after_the_command", test_options_after_the_command);
    t_run("settings_unknown_option", test_unknown_option);
    t_run("settings_quoted_values", test_quoted_values);
    t_run("settings_service_folders", test_service_folders);
    t_run("settings_metrics", test_metrics);
    return t_done();
}
