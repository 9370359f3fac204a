/* mcpclient: a minimal MCP stdio client for end-to-end tests. */
#include "mcpclient.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct t_mcp {
    pid_t pid;
    int in, out;
    char *buf;
    size_t len, cap;
    int next_id;
    cJSON *notes;
    char err_path[512];
    int exited, status;
};

t_mcp *t_mcp_start(const char *const *args)
{
    return t_mcp_start_exe(t_bin("slicer-mcp"), args);
}

t_mcp *t_mcp_start_exe(const char *exe, const char *const *args)
{
    static int seq;
    t_mcp *m = calloc(1, sizeof *m);
    int pin[2], pout[2];
    if (!m || pipe(pin) || pipe(pout)) {
        free(m);
        return NULL;
    }
    snprintf(m->err_path, sizeof m->err_path, "%s/mcp-%d.stderr", t_tmpdir(), ++seq);
    m->pid = fork();
    if (m->pid == 0) {
        t_die_with_parent();
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        int fd = open(m->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0)
            dup2(fd, 2);
        close(pin[0]); close(pin[1]); close(pout[0]); close(pout[1]);
        /* The default audit log lands in the test folder, not in $HOME. */
        setenv("XDG_STATE_HOME", t_tmpdir(), 1);
        char *argv[96];
        int a = 0;
        /* SLICER_MCP_WRAPPER="valgrind --error-exitcode=99 ..." runs the
         * gateway under a tool (tests/valgrind.sh); split on spaces. */
        const char *wrap = getenv("SLICER_MCP_WRAPPER");
        char *wcopy = wrap && *wrap ? strdup(wrap) : NULL;
        for (char *tok = wcopy ? strtok(wcopy, " ") : NULL; tok && a < 32; tok = strtok(NULL, " "))
            argv[a++] = tok;
        argv[a++] = strdup(exe);
        for (int i = 0; args && args[i] && a < 95; i++)
            argv[a++] = strdup(args[i]);
        argv[a] = NULL;
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    m->in = pin[1];
    m->out = pout[0];
    m->next_id = 1;
    m->notes = cJSON_CreateArray();
    signal(SIGPIPE, SIG_IGN);
    return m;
}

int t_mcp_send_raw(t_mcp *m, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(m->in, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int t_mcp_send(t_mcp *m, const char *line)
{
    if (t_mcp_send_raw(m, line, strlen(line)) != 0)
        return -1;
    return t_mcp_send_raw(m, "\n", 1);
}


/* SLICER_MCP_TIME_SCALE (an integer, default 1) stretches every wait for
 * the gateway, for runs under a slow wrapper such as valgrind. */
static long time_scale(void)
{
    const char *s = getenv("SLICER_MCP_TIME_SCALE");
    long k = s ? atol(s) : 1;
    return k >= 1 && k <= 100 ? k : 1;
}

long t_mcp_bound(long ms) { return ms * time_scale(); }

/* Next complete line (malloc'd) or NULL on time-out / EOF. */
static char *read_line(t_mcp *m, int timeout_ms)
{
    long deadline = t_now_ms() + timeout_ms * time_scale();
    for (;;) {
        char *nl = m->len ? memchr(m->buf, '\n', m->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - m->buf);
            char *line = malloc(n + 1);
            memcpy(line, m->buf, n);
            line[n] = '\0';
            memmove(m->buf, nl + 1, m->len - n - 1);
            m->len -= n + 1;
            return line;
        }
        long left = deadline - t_now_ms();
        if (left <= 0)
            return NULL;
        struct pollfd p = { .fd = m->out, .events = POLLIN };
        if (poll(&p, 1, (int)left) <= 0)
            return NULL;
        if (m->cap - m->len < 65536) {
            m->cap = m->cap ? m->cap * 2 : 131072;
            m->buf = realloc(m->buf, m->cap);
        }
        ssize_t r = read(m->out, m->buf + m->len, m->cap - m->len);
        if (r <= 0)
            return NULL;
        m->len += (size_t)r;
    }
}

cJSON *t_mcp_recv(t_mcp *m, int timeout_ms)
{
    char *line = read_line(m, timeout_ms);
    if (!line)
        return NULL;
    cJSON *j = cJSON_Parse(line);
    if (!j)
        printf("  (stdout line is not JSON: %.200s)\n", line);
    free(line);
    return j;
}

cJSON *t_mcp_request(t_mcp *m, const char *method, const char *params, int timeout_ms)
{
    int id = m->next_id++;
    size_t n = strlen(method) + (params ? strlen(params) : 0) + 128;
    char *line = malloc(n);
    snprintf(line, n, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\"%s%s}", id, method,
             params ? ",\"params\":" : "", params ? params : "");
    int rc = t_mcp_send(m, line);
    free(line);
    if (rc != 0)
        return NULL;
    long deadline = t_now_ms() + timeout_ms * time_scale();
    for (;;) {
        long left = deadline - t_now_ms();
        if (left <= 0)
            return NULL;
        cJSON *j = t_mcp_recv(m, (int)(left / time_scale() + 1));
        if (!j)
            return NULL;
        const cJSON *jid = cJSON_GetObjectItemCaseSensitive(j, "id");
        if (cJSON_IsNumber(jid) && jid->valueint == id)
            return j;
        cJSON_AddItemToArray(m->notes, j);
    }
}

int t_mcp_handshake(t_mcp *m, const char *version)
{
    char params[256];
    snprintf(params, sizeof params, "{\"protocolVersion\":\"%s\",\"capabilities\":{},"
             "\"clientInfo\":{\"name\":\"e2e\",\"version\":\"1\"}}", version);
    cJSON *r = t_mcp_request(m, "initialize", params, 5000);
    int ok = r && cJSON_GetObjectItemCaseSensitive(r, "result") != NULL;
    cJSON_Delete(r);
    if (ok)
        t_mcp_send(m, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return ok ? 0 : -1;
}

cJSON *t_mcp_call(t_mcp *m, const char *tool, const char *args_json, int timeout_ms)
{
    size_t n = strlen(tool) + (args_json ? strlen(args_json) : 2) + 64;
    char *params = malloc(n);
    snprintf(params, n, "{\"name\":\"%s\",\"arguments\":%s}", tool, args_json ? args_json : "{}");
    cJSON *r = t_mcp_request(m, "tools/call", params, timeout_ms);
    free(params);
    return r;
}

cJSON *t_mcp_notes(t_mcp *m) { return m->notes; }

const char *t_mcp_text(const cJSON *resp)
{
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(resp, "result");
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "content"), 0);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "text");
    return cJSON_IsString(t) ? t->valuestring : "";
}

int t_mcp_is_error(const cJSON *resp)
{
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(resp, "result");
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
}

int t_mcp_close(t_mcp *m, int timeout_ms)
{
    if (m->in >= 0) {
        close(m->in);
        m->in = -1;
    }
    return t_mcp_wait(m, timeout_ms);
}

int t_mcp_wait(t_mcp *m, int timeout_ms)
{
    long deadline = t_now_ms() + timeout_ms * time_scale();
    while (t_now_ms() < deadline) {
        int st;
        if (waitpid(m->pid, &st, WNOHANG) == m->pid) {
            m->exited = 1;
            m->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return m->status;
        }
        struct timespec ts = { 0, 5 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    t_mcp_kill(m);
    return -1;
}

void t_mcp_kill(t_mcp *m)
{
    if (!m->exited) {
        kill(m->pid, SIGKILL);
        waitpid(m->pid, NULL, 0);
        m->exited = 1;
        m->status = -1;
    }
}

void t_mcp_close_stdout(t_mcp *m)
{
    if (m->out >= 0) {
        close(m->out);
        m->out = -1;
    }
}

int t_mcp_pid(const t_mcp *m) { return (int)m->pid; }
const char *t_mcp_stderr_path(const t_mcp *m) { return m->err_path; }

void t_mcp_free(t_mcp *m)
{
    if (!m)
        return;
    if (!m->exited)
        t_mcp_close(m, 2000);
    if (m->in >= 0)
        close(m->in);
    if (m->out >= 0)
        close(m->out);
    free(m->buf);
    cJSON_Delete(m->notes);
    free(m);
}
