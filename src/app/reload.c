/* reload: SIGHUP and folder-watch triggers for reloading tools.d. */
#include "app/reload.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "app/catalog.h"
#include "util/log.h"
#include "util/mono.h"
#include "util/platform.h"

/* Editors save in several steps; wait for this much quiet. */
#define RELOAD_QUIET_MS 150
/* The event queue is read at most this often: the loop asks after every
 * message, and a read that finds nothing is one system call per call. */
#define RELOAD_LOOK_MS 20

static volatile sig_atomic_t g_hup;

static void on_hup(int sig)
{
    (void)sig;
    g_hup = 1;
}

struct reloader {
    char *tools_dir, *schemas_dir;
    platform_watch *watch;  /* NULL: SIGHUP only */
    double pending_since;   /* ms; 0 = nothing pending */
    double last_look;       /* ms; when the event queue was last read */
};

reloader *reloader_new(const char *tools_dir, const char *schemas_dir, int watch)
{
    reloader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->tools_dir = strdup(tools_dir);
    r->schemas_dir = strdup(schemas_dir);
    /* No SA_RESTART: a blocked read or poll returns, so the reload runs
     * promptly between requests. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_hup;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    if (watch) {
        const char *dirs[] = { tools_dir, schemas_dir, NULL }, *why = NULL;
        r->watch = platform_watch_new(dirs, &why);
        if (!r->watch)
            log_msg(LOG_NOTICE, "not watching %s for changes (%s); SIGHUP reloads", tools_dir, why);
        else
            log_msg(LOG_DEBUG, "watching %s for changes (%s)", tools_dir, platform_watch_kind(r->watch));
    }
    return r;
}

void reloader_free(reloader *r)
{
    if (!r)
        return;
    platform_watch_free(r->watch);
    free(r->tools_dir);
    free(r->schemas_dir);
    free(r);
}

reload_result reloader_poll(reloader *r, toolset **fresh, char **problems)
{
    *fresh = NULL;
    *problems = NULL;
    double t = mono_ms();
    if (t - r->last_look >= RELOAD_LOOK_MS) {
        r->last_look = t;
        if (r->watch && platform_watch_changed(r->watch))
            r->pending_since = t;
    }
    int due = g_hup || (r->pending_since > 0 && t - r->pending_since >= RELOAD_QUIET_MS);
    if (!due)
        return RELOAD_NONE;
    g_hup = 0;
    r->pending_since = 0;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return RELOAD_NONE;
    int n = 0;
    toolset *ts = catalog_load(r->tools_dir, r->schemas_dir, mem, &n);
    fclose(mem);
    if (ts) {
        free(text);
        *fresh = ts;
        log_msg(LOG_NOTICE, "reloaded %s: %zu tools", r->tools_dir, tools_count(ts));
        return RELOAD_DONE;
    }
    log_msg(LOG_ERROR, "reload of %s failed with %d problem%s; keeping the previous tools:\n%s",
            r->tools_dir, n, n == 1 ? "" : "s", text ? text : "");
    *problems = text;
    return RELOAD_FAILED;
}
