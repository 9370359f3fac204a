/* settings: options, config file and environment. */
#include "app/settings.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/guard.h"
#include "util/log.h"
#include "util/platform.h"

/* Where make install puts tools.d and schemas (the Makefile passes
 * PREFIX/share/slicer-mcp). */
#ifndef SLICER_MCP_DATADIR
#define SLICER_MCP_DATADIR "/usr/local/share/slicer-mcp"
#endif

void settings_usage(FILE *out)
{
    fputs(
"usage: slicer-mcp [options]            serve MCP over stdio (or HTTP: --http)\n"
"       slicer-mcp check [DIR] [options] check a tools.d folder, print its tools\n"
"       slicer-mcp list [options]        print the tools the configuration offers\n"
"\n"
"slicer-mcp is a Model Context Protocol server that offers the typed tools\n"
"declared in tools.d/*.yaml and turns each call into specific REST calls of\n"
"the 3D Slicer Web Server.  Slicer's Python endpoint (/slicer/exec) and the\n"
"other dangerous endpoints stay unreachable unless a policy enables them.\n"
"\n"
"options (each also a key of the config file, as key = value):\n"
"  --slicer-url URL         Slicer Web Server (env SLICER_URL;\n"
"                           default http://127.0.0.1:2016)\n"
"  --tools-dir DIR          tool declarations (default share/slicer-mcp/tools.d\n"
"                           beside the binary's folder, else " SLICER_MCP_DATADIR "/tools.d)\n"
"  --schemas-dir DIR        files that tools.d $refs name (default DIR/../schemas)\n"
"  --timeout-ms N           limit for each REST call to Slicer (default 10000)\n"
"  --connect-timeout-ms N   limit for connecting to Slicer (default 2000)\n"
"  --max-response-bytes N   largest Slicer answer accepted (default 268435456)\n"
"  --page-size N            tools per tools/list page (default 100)\n"
"  --spool-dir DIR          where markups files for Slicer are written (must be\n"
"                           readable by Slicer; default a private 0700 folder);\n"
"                           absolute, no symlink, ours, not writable by others\n"
"  --spool-mode MODE        0600 (default) or 0640: spool files readable by the\n"
"                           folder's group, for a Slicer running as another user\n"
"  --allow-exec             enable the 'exec' policy: Slicer's Python endpoint\n"
"  --allow POLICY           enable a policy: exec, quit_slicer, clear_scene,\n"
"                           network_download, write_files, load_local_files,\n"
"                           static_pages, dicomweb, overwrite_volumes,\n"
"                           reload_from_disk (repeatable)\n"
"  --log-level L            stderr detail: debug info notice warning error ...\n"
"  --audit-log PATH         append one JSON line per tools/call (default\n"
"                           $LOGS_DIRECTORY or $STATE_DIRECTORY/audit.jsonl under\n"
"                           systemd, else $XDG_STATE_HOME/slicer-mcp/audit.jsonl,\n"
"                           else ~/.local/state/slicer-mcp/audit.jsonl); 'off' disables\n"
"  --audit-fsync MODE       background (default: a writer thread fsyncs, batching\n"
"                           consecutive calls) or strict (fsync before each reply)\n"
"  --redact FILE            PHI redaction rules applied to results and the audit\n"
"                           log (see tools.d/redact/recommended.yaml)\n"
"  --watch true|false       reload tools.d when its files change (default true);\n"
"                           SIGHUP always reloads\n"
"  --http ADDR              serve MCP over HTTP at http://ADDR/mcp instead of\n"
"                           stdio (ADDR is HOST:PORT, [V6]:PORT or PORT; port 0\n"
"                           picks a free one); non-loopback needs --token-file\n"
"                           or --oauth-issuer\n"
"  --http-port-file FILE    write the port actually bound to FILE\n"
"  --token-file FILE        HTTP clients must send 'Authorization: Bearer' with\n"
"                           the token on FILE's first line (default under systemd:\n"
"                           $CREDENTIALS_DIRECTORY/token, from LoadCredential=token:...)\n"
"  --tls-cert FILE          serve HTTPS with this PEM certificate (chain) ...\n"
"  --tls-key FILE           ... and this PEM private key (both or neither)\n"
"  --oauth-issuer URL       instead of --token-file: HTTP clients need an OAuth\n"
"                           access token (a signed JWT) from this issuer; tools\n"
"                           need their scope (slicer:read, slicer:write)\n"
"  --oauth-audience URL     this gateway's MCP URL as clients reach it, e.g.\n"
"                           https://gw.example.org/mcp: tokens' aud must name it\n"
"  --oauth-jwks-uri URL     the issuer's key set (default: jwks_uri of\n"
"                           ISSUER/.well-known/openid-configuration)\n"
"  --oauth-introspection-url URL  check tokens by asking the issuer's token\n"
"                           introspection endpoint (RFC 7662) instead of as JWTs;\n"
"                           an answer is trusted up to the token's exp, at most 60 s\n"
"  --oauth-client-file FILE the gateway's own client id (first line) and secret\n"
"                           (second line) for introspection; mode 0600\n"
"  --allow-host H           Host header values accepted (repeatable; default\n"
"                           localhost, 127.0.0.1, [::1], any port; '*' any)\n"
"  --allow-origin O         Origin header values accepted (repeatable; default\n"
"                           http(s) origins on those loopback names)\n"
"  --http-max-body N        largest POST body in bytes (default 4194304)\n"
"  --http-max-sessions N    open handshake-era sessions; beyond, the least\n"
"                           recently used idle one ends (default 64)\n"
"  --http-max-streams N     open GET and subscriptions/listen streams (default 16)\n"
"  --http-max-connections N open connections (default 128)\n"
"  --http-max-connections-per-ip N  from one address (default half the above)\n"
"  --http-request-timeout-ms N  a request's headers and body must arrive within\n"
"                           this, from the connection's start or the previous\n"
"                           request's end (default 10000)\n"
"  --http-queue-max N       calls waiting for Slicer before 503 (default 64)\n"
"  --http-queue-timeout-ms N  longest wait for Slicer before 504 (default 30000)\n"
"  --http-session-idle-ms N   unused sessions end after this (default 1800000)\n"
"  --metrics MODE           GET /metrics in the Prometheus text format: off\n"
"                           (default); on: at the --http address, behind the\n"
"                           same --token-file or OAuth token as /mcp; or\n"
"                           HOST:PORT (PORT: loopback): an address of its own\n"
"                           with no authentication, so loopback only unless...\n"
"  --metrics-allow-remote true  ... this: the network must guard it\n"
"  --config FILE            read options from FILE first: one 'key = value' a line,\n"
"                           values may be quoted, '#' starts a comment line\n"
"  --help, --version\n"
"\n"
"exit status: 0 ok; 1 check found problems; 2 bad options or tools.d\n", out);
}

static int set_str(char **dst, const char *v)
{
    char *n = strdup(v);
    if (!n)
        return -1;
    free(*dst);
    *dst = n;
    return 0;
}

/* An http(s) URL option. */
static int set_url(char **dst, const char *v, const char *key, err *e)
{
    if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
        return err_set(e, ERR_INVALID, "%s: expected an http:// or https:// URL, got '%s'", key, v);
    return set_str(dst, v) == 0 ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

static int set_long(long *dst, const char *v, long lo, long hi, const char *key, err *e)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi)
        return err_set(e, ERR_INVALID, "%s: expected a number from %ld to %ld, got '%s'", key, lo, hi, v);
    *dst = n;
    return 0;
}

static int add_policy(settings *s, const char *p, err *e)
{
    int known = 0;
    for (const char *const *g = guard_policies; *g; g++)
        known |= strcmp(*g, p) == 0;
    if (!known)
        return err_set(e, ERR_INVALID, "unknown policy '%s' (known: exec, quit_slicer, clear_scene, "
                       "network_download, write_files, load_local_files, static_pages, dicomweb, "
                       "overwrite_volumes, reload_from_disk)", p);
    int n = 0;
    while (s->policies[n]) {
        if (strcmp(s->policies[n], p) == 0)
            return 0;
        n++;
    }
    if (n == SETTINGS_MAX_POLICIES)
        return err_set(e, ERR_INVALID, "too many policies");
    s->policies[n] = strdup(p);
    return 0;
}

/* Appends to a NULL-terminated allow-list (HTTP transport). */
static int add_allow(char **list, const char *key, const char *v, err *e)
{
    int n = 0;
    while (list[n])
        n++;
    if (n == SETTINGS_MAX_ALLOW)
        return err_set(e, ERR_INVALID, "%s: at most %d entries", key, SETTINGS_MAX_ALLOW);
    if (!*v)
        return err_set(e, ERR_INVALID, "%s: empty value", key);
    return (list[n] = strdup(v)) ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

/* One key = value, from the command line or the config file. */
static int apply(settings *s, const char *key, const char *val, err *e)
{
    if (!strcmp(key, "slicer-url")) return set_str(&s->slicer_url, val);
    if (!strcmp(key, "tools-dir")) return set_str(&s->tools_dir, val);
    if (!strcmp(key, "schemas-dir")) return set_str(&s->schemas_dir, val);
    if (!strcmp(key, "spool-dir")) return set_str(&s->spool_dir, val);
    if (!strcmp(key, "spool-mode")) {
        if (strcmp(val, "0600") && strcmp(val, "0640"))
            return err_set(e, ERR_INVALID, "spool-mode: expected 0600 or 0640, got '%s'", val);
        s->spool_group_read = strcmp(val, "0640") == 0;
        return 0;
    }
    if (!strcmp(key, "timeout-ms")) return set_long(&s->timeout_ms, val, 100, 600000, key, e);
    if (!strcmp(key, "connect-timeout-ms")) return set_long(&s->connect_timeout_ms, val, 50, 60000, key, e);
    if (!strcmp(key, "max-response-bytes")) return set_long(&s->max_response_bytes, val, 1024, 1L << 31, key, e);
    if (!strcmp(key, "page-size")) return set_long(&s->page_size, val, 1, 10000, key, e);
    if (!strcmp(key, "allow")) return add_policy(s, val, e);
    if (!strcmp(key, "allow-exec")) return strcmp(val, "true") == 0 ? add_policy(s, "exec", e) : 0;
    if (!strcmp(key, "audit-log")) {
        s->audit_off = strcmp(val, "off") == 0;
        free(s->audit_log);
        s->audit_log = NULL;
        return s->audit_off ? 0 : set_str(&s->audit_log, val);
    }
    if (!strcmp(key, "audit-fsync")) {
        if (strcmp(val, "strict") && strcmp(val, "background"))
            return err_set(e, ERR_INVALID, "audit-fsync: expected strict or background, got '%s'", val);
        s->audit_strict = strcmp(val, "strict") == 0;
        return 0;
    }
    if (!strcmp(key, "redact")) return set_str(&s->redact_file, val);
    /* HTTP transport options */
    if (!strcmp(key, "http")) return set_str(&s->http_listen, val);
    if (!strcmp(key, "http-port-file")) return set_str(&s->http_port_file, val);
    if (!strcmp(key, "token-file")) return set_str(&s->token_file, val);
    if (!strcmp(key, "tls-cert")) return set_str(&s->tls_cert, val);
    if (!strcmp(key, "tls-key")) return set_str(&s->tls_key, val);
    if (!strcmp(key, "oauth-issuer")) return set_url(&s->oauth_issuer, val, key, e);
    if (!strcmp(key, "oauth-audience")) return set_url(&s->oauth_audience, val, key, e);
    if (!strcmp(key, "oauth-jwks-uri")) return set_url(&s->oauth_jwks_uri, val, key, e);
    if (!strcmp(key, "oauth-introspection-url")) return set_url(&s->oauth_introspection_url, val, key, e);
    if (!strcmp(key, "oauth-client-file")) return set_str(&s->oauth_client_file, val);
    if (!strcmp(key, "allow-host")) return add_allow(s->allow_hosts, key, val, e);
    if (!strcmp(key, "allow-origin")) return add_allow(s->allow_origins, key, val, e);
    if (!strcmp(key, "http-max-body")) return set_long(&s->http_max_body, val, 1024, 1L << 30, key, e);
    if (!strcmp(key, "http-max-sessions")) return set_long(&s->http_max_sessions, val, 1, 4096, key, e);
    if (!strcmp(key, "http-max-connections")) return set_long(&s->http_max_connections, val, 1, 4096, key, e);
    if (!strcmp(key, "http-max-connections-per-ip")) return set_long(&s->http_max_per_ip, val, 1, 4096, key, e);
    if (!strcmp(key, "http-max-streams")) return set_long(&s->http_max_streams, val, 1, 4096, key, e);
    if (!strcmp(key, "http-request-timeout-ms")) return set_long(&s->http_request_timeout_ms, val, 100, 600000, key, e);
    if (!strcmp(key, "http-queue-max")) return set_long(&s->http_queue_max, val, 1, 100000, key, e);
    if (!strcmp(key, "http-queue-timeout-ms")) return set_long(&s->http_queue_timeout_ms, val, 10, 3600000, key, e);
    if (!strcmp(key, "http-session-idle-ms")) return set_long(&s->http_session_idle_ms, val, 100, 86400000L, key, e);
    if (!strcmp(key, "metrics")) {
        if (!strcmp(val, "off")) {
            free(s->metrics);
            s->metrics = NULL;
            return 0;
        }
        return set_str(&s->metrics, val);
    }
    if (!strcmp(key, "metrics-allow-remote")) {
        if (strcmp(val, "true") && strcmp(val, "false"))
            return err_set(e, ERR_INVALID, "metrics-allow-remote: expected true or false, got '%s'", val);
        s->metrics_allow_remote = strcmp(val, "true") == 0;
        return 0;
    }
    /* end of HTTP transport options */
    if (!strcmp(key, "watch")) {
        if (strcmp(val, "true") && strcmp(val, "false"))
            return err_set(e, ERR_INVALID, "watch: expected true or false, got '%s'", val);
        s->watch = strcmp(val, "true") == 0;
        return 0;
    }
    if (!strcmp(key, "log-level")) {
        if (log_level_parse(val) < 0)
            return err_set(e, ERR_INVALID, "log-level: unknown level '%s'", val);
        return set_str(&s->log_level, val);
    }
    return err_set(e, ERR_NOT_FOUND, "unknown option '%s'", key);
}

/* Whether apply() knows key: tried on a scratch struct, so nothing of s
 * changes (the "needs a value" check comes after this one). */
static int known_key(const char *key)
{
    if (!strcmp(key, "config"))
        return 1;
    settings scratch;
    memset(&scratch, 0, sizeof scratch);
    err e = { 0 };
    int known = apply(&scratch, key, "true", &e) == 0 || e.kind != ERR_NOT_FOUND;
    settings_free(&scratch);
    return known;
}

static char *trim(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
        p[--n] = '\0';
    return p;
}

static int read_config(settings *s, const char *path, err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, ERR_INVALID, "%s: %s", path, strerror(errno));
    char line[4096];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = trim(line);
        if (!*p || *p == '#')
            continue;
        char *eq = strchr(p, '=');
        if (!eq) {
            rc = err_set(e, ERR_INVALID, "%s:%d: expected 'key = value'", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(p), *val = trim(eq + 1);
        /* key = "value" (or 'value') means value: a quote is never part
         * of any option's value, and kept it would make a bad URL or path. */
        size_t vn = strlen(val);
        if (vn && (*val == '"' || *val == '\'')) {
            if (vn < 2 || val[vn - 1] != *val) {
                rc = err_set(e, ERR_INVALID, "%s:%d: the value starts with a quote but does not end with "
                             "the same quote", path, lineno);
                break;
            }
            val[vn - 1] = '\0';
            val++;
        }
        for (char *k = key; *k; k++)
            if (*k == '_')
                *k = '-';
        if (apply(s, key, val, e) != 0) {
            err_prefix(e, "%s:%d", path, lineno);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}

/* An installed binary finds PREFIX/share/slicer-mcp/tools.d: first beside
 * its own folder (the install tree moved as a whole, or installed under
 * DESTDIR), then where the build's PREFIX put it.  A binary in the build
 * folder finds the repository's tools.d (make demo, make test).  The
 * working folder is not searched: a tools.d there must be named. */
static char *default_tools_dir(const char *argv0)
{
    char *exe = platform_exe_path(argv0);
    char *slash = exe ? strrchr(exe, '/') : NULL;
    char path[PATH_MAX + 32];
    if (slash) {
        *slash = '\0';
        const char *const rel[] = { "../share/slicer-mcp/tools.d", "../tools.d" };
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(path, sizeof path, "%s/%s", exe, rel[i]);
            if (access(path, R_OK) == 0) {
                free(exe);
                return strdup(path);
            }
        }
    }
    free(exe);
    return strdup(SLICER_MCP_DATADIR "/tools.d");
}

/* The first folder of $VAR, which systemd sets to a colon-separated list
 * of absolute paths (StateDirectory=, LogsDirectory=, ...). */
static int first_dir(const char *var, char *out, size_t n)
{
    const char *v = getenv(var);
    if (!v || *v != '/')
        return 0;
    size_t len = strcspn(v, ":");
    if (len + 1 > n)
        return 0;
    memcpy(out, v, len);
    out[len] = '\0';
    return 1;
}

/* Under systemd, $LOGS_DIRECTORY or $STATE_DIRECTORY (LogsDirectory=,
 * StateDirectory=: a service user may have no home); else
 * $XDG_STATE_HOME/slicer-mcp/audit.jsonl, else ~/.local/state/...; the
 * folder is created (0700) when the log is opened. */
static char *default_audit_path(void)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char path[PATH_MAX], dir[PATH_MAX - 16];
    if (first_dir("LOGS_DIRECTORY", dir, sizeof dir) || first_dir("STATE_DIRECTORY", dir, sizeof dir))
        snprintf(path, sizeof path, "%s/audit.jsonl", dir);
    else if (xdg && *xdg)
        snprintf(path, sizeof path, "%s/slicer-mcp/audit.jsonl", xdg);
    else if (home && *home)
        snprintf(path, sizeof path, "%s/.local/state/slicer-mcp/audit.jsonl", home);
    else
        snprintf(path, sizeof path, "/tmp/slicer-mcp-%ld/audit.jsonl", (long)getuid());
    return strdup(path);
}

/* One walk over the command line.  Pass 0 takes the command (check,
 * list: anywhere, so "--config f list" and "list --config f" both work),
 * check's folder and the config files, and refuses unknown options and
 * missing values; pass 1 applies the options over the config file. */
static int walk(settings *s, int argc, char **argv, int pass, err *e)
{
    int have_cmd = 0, have_dir = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "--version")) {
            s->cmd = !strcmp(a, "--version") ? CMD_VERSION : CMD_HELP;
            return 1;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (!have_cmd && (!strcmp(a, "check") || !strcmp(a, "list"))) {
                s->cmd = !strcmp(a, "check") ? CMD_CHECK : CMD_LIST;
                have_cmd = 1;
            } else if (s->cmd == CMD_CHECK && !have_dir) {
                /* check's folder wins over a config file's tools-dir */
                have_dir = 1;
                if (pass == 1 && set_str(&s->tools_dir, a) != 0)
                    return err_set(e, ERR_INTERNAL, "out of memory");
            } else {
                return err_set(e, ERR_INVALID, "unexpected argument '%s' (see --help)", a);
            }
            continue;
        }
        if (!strcmp(a, "--allow-exec")) {
            if (pass == 1 && add_policy(s, "exec", e) != 0)
                return -1;
            continue;
        }
        const char *key = a + 2, *val;
        char keybuf[64];
        const char *eq = strchr(key, '=');
        if (eq) {
            snprintf(keybuf, sizeof keybuf, "%.*s", (int)(eq - key), key);
            key = keybuf;
        }
        if (!known_key(key))
            return err_set(e, ERR_INVALID, "unknown option '--%s' (see --help)", key);
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return err_set(e, ERR_INVALID, "%s needs a value (see --help)", a);
        if (!strcmp(key, "config")) {
            if (pass == 0 && read_config(s, val, e) != 0)
                return -1;
            continue;
        }
        if (pass == 1 && apply(s, key, val, e) != 0)
            return -1;
    }
    return 0;
}

int settings_parse(settings *s, int argc, char **argv, err *e)
{
    memset(s, 0, sizeof *s);
    s->timeout_ms = 10000;
    s->connect_timeout_ms = 2000;
    s->max_response_bytes = 256L << 20;
    s->page_size = 100;
    s->watch = 1;
    /* The config file first, so the command line wins over it. */
    int r = walk(s, argc, argv, 0, e);
    if (r != 0)
        return r < 0 ? -1 : 0;
    const char *env = getenv("SLICER_URL");
    if (!s->slicer_url && env && *env)
        set_str(&s->slicer_url, env);
    if ((r = walk(s, argc, argv, 1, e)) != 0)
        return r < 0 ? -1 : 0;
    /* systemd's LoadCredential=token:FILE puts the token where only this
     * service reads it. */
    char cred[PATH_MAX - 8], tok[PATH_MAX];
    if (!s->token_file && first_dir("CREDENTIALS_DIRECTORY", cred, sizeof cred)) {
        snprintf(tok, sizeof tok, "%s/token", cred);
        if (access(tok, R_OK) == 0 && set_str(&s->token_file, tok) != 0)
            return err_set(e, ERR_INTERNAL, "out of memory");
    }
    if (!s->slicer_url)
        set_str(&s->slicer_url, "http://127.0.0.1:2016");
    if (!s->tools_dir)
        s->tools_dir = default_tools_dir(argv[0]);
    if (!s->schemas_dir && s->tools_dir) {
        size_t n = strlen(s->tools_dir) + 16;
        s->schemas_dir = malloc(n);
        if (s->schemas_dir)
            snprintf(s->schemas_dir, n, "%s/../schemas", s->tools_dir);
    }
    if (!s->audit_log && !s->audit_off)
        s->audit_log = default_audit_path();
    if (s->token_file && (s->oauth_issuer || s->oauth_audience))
        return err_set(e, ERR_INVALID, "--token-file and --oauth-issuer are exclusive: choose the static "
                       "token or the identity provider's access tokens");
    if (s->oauth_issuer && !s->http_listen)
        return err_set(e, ERR_INVALID, "--oauth-issuer applies to the HTTP mode: add --http ADDR");
    if (s->metrics && !s->http_listen)
        return err_set(e, ERR_INVALID, "--metrics applies to the HTTP mode: add --http ADDR");
    if (!s->oauth_issuer != !s->oauth_audience)
        return err_set(e, ERR_INVALID, "--oauth-issuer and --oauth-audience go together (the audience is this "
                       "gateway's MCP URL, e.g. https://gw.example.org/mcp)");
    if ((s->oauth_introspection_url || s->oauth_client_file) && !s->oauth_issuer)
        return err_set(e, ERR_INVALID, "--oauth-introspection-url and --oauth-client-file need --oauth-issuer and "
                       "--oauth-audience");
    if (!s->oauth_introspection_url != !s->oauth_client_file)
        return err_set(e, ERR_INVALID, "--oauth-introspection-url and --oauth-client-file go together (the "
                       "gateway authenticates to the introspection endpoint as a client)");
    if (s->oauth_introspection_url && s->oauth_jwks_uri)
        return err_set(e, ERR_INVALID, "--oauth-introspection-url and --oauth-jwks-uri are exclusive: tokens are "
                       "checked either by the issuer or as JWTs against its keys");
    if (!s->tools_dir || !s->schemas_dir || !s->slicer_url)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

void settings_free(settings *s)
{
    free(s->slicer_url);
    free(s->tools_dir);
    free(s->schemas_dir);
    free(s->spool_dir);
    free(s->log_level);
    free(s->config_file);
    free(s->audit_log);
    free(s->redact_file);
    for (int i = 0; s->policies[i]; i++)
        free(s->policies[i]);
    free(s->http_listen);
    free(s->http_port_file);
    free(s->token_file);
    free(s->tls_cert);
    free(s->tls_key);
    free(s->oauth_issuer);
    free(s->oauth_audience);
    free(s->oauth_jwks_uri);
    free(s->oauth_introspection_url);
    free(s->oauth_client_file);
    free(s->metrics);
    for (int i = 0; s->allow_hosts[i]; i++)
        free(s->allow_hosts[i]);
    for (int i = 0; s->allow_origins[i]; i++)
        free(s->allow_origins[i]);
    memset(s, 0, sizeof *s);
}
