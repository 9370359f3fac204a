/* testlib: the tiny harness every test program uses: named tests with
 * checks, a slicer-sim process started on a free port, and HTTP helpers
 * (libcurl for ordinary calls, raw sockets for framing).
 *
 * Each test program prints "PASS name" or "FAIL name: why" per test and
 * exits non-zero if any failed; tests/run.sh counts those lines. */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stddef.h>
#include <stdio.h>

/* Checks: record a failure for the running test, print where, go on. */
#define T_CHECK(cond, ...) \
    t_check_((cond) != 0, __FILE__, __LINE__, #cond, __VA_ARGS__)
#define T_ASSERT(cond, ...) \
    do { if (!T_CHECK(cond, __VA_ARGS__)) return; } while (0)

int  t_check_(int ok, const char *file, int line, const char *expr,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Runs one test function under a name; prints PASS/FAIL. */
void t_run(const char *name, void (*fn)(void));
/* Exit status for main: 0 when every test passed. */
int  t_done(void);
/* In a child just forked: it is sent SIGTERM when the test program ends
 * (Linux), so that a test that returns early leaves no process behind. */
void t_die_with_parent(void);

/* Directory of build outputs (env BUILD_DIR, default "build"). */
const char *t_build_dir(void);
/* Path of a build output, e.g. t_bin("slicer-sim"); static buffer. */
const char *t_bin(const char *name);
/* A fresh private temp directory for this test program (created once). */
const char *t_tmpdir(void);

/* A running slicer-sim.  extra_args is NULL-terminated (may be NULL).
 * It is started with --port 0 --log <tmp>/sim-N.log and its port read
 * from its stdout.  Returns NULL (and prints why) on failure. */
typedef struct t_sim t_sim;
t_sim      *t_sim_start(const char *const *extra_args);
int         t_sim_port(const t_sim *s);
const char *t_sim_url(const t_sim *s);      /* "http://127.0.0.1:PORT" */
const char *t_sim_log(const t_sim *s);      /* request log path */
/* The request log read so far; caller frees. */
char       *t_sim_log_text(const t_sim *s);
void        t_sim_stop(t_sim *s);

/* The most threads process pid has had between t_threads_watch and
 * t_threads_most (counted in /proc/PID/task every 5 ms by a thread of
 * the caller's); t_threads_most stops the count, frees w and returns 0
 * where /proc is missing.  NULL on failure. */
typedef struct t_threads t_threads;
t_threads *t_threads_watch(int pid);
int        t_threads_most(t_threads *w);

/* HTTP through libcurl.  Body may be NULL.  Response body is returned
 * NUL-terminated in *out (caller frees), its length in *out_len.
 * Returns the HTTP status, or -1 on a transport error (timed out etc.). */
typedef struct {
    long   status;
    char  *body;
    size_t len;
    char   content_type[128];
} t_resp;
long t_http(const char *method, const char *url, const char *body,
            size_t body_len, long timeout_ms, t_resp *resp);
void t_resp_free(t_resp *resp);

/* The headers of a stateless (2026-07-28) MCP request over HTTP: a JSON
 * body, JSON or an event stream back, the protocol version, Mcp-Method,
 * and Mcp-Name unless name is NULL.  For CURLOPT_HTTPHEADER; the caller
 * frees it with curl_slist_free_all.  NULL when out of memory. */
struct curl_slist;
struct curl_slist *t_mcp_headers(const char *method, const char *name);

/* Raw TCP: sends req (len bytes), optionally half-closes, reads until the
 * peer closes or timeout_ms passes.  Returns bytes read (NUL-terminated in
 * *out, caller frees), or -1 if connect failed.  *closed tells whether the
 * peer closed the connection before the time-out. */
long t_raw(int port, const char *req, size_t len, int half_close,
           int timeout_ms, char **out, int *closed);

/* Monotonic milliseconds, and a sleep of ms milliseconds. */
long t_now_ms(void);
void t_sleep_ms(long ms);

/* The next of a reproducible pseudo-random sequence (xorshift64; *state
 * must start non-zero), for generated test inputs. */
unsigned long long t_rand(unsigned long long *state);

/* Reads a whole file; NULL on error.  Caller frees. */
char *t_read_file(const char *path, size_t *len);
int   t_write_file(const char *path, const void *data, size_t len);
/* t_tmpdir()/name made (if need be) and set to mode exactly, whatever the
 * umask; a static buffer. */
const char *t_dir(const char *name, unsigned mode);
/* Occurrences of needle in s (0 when s is NULL). */
int   t_count(const char *s, const char *needle);

/* The JSON text of each of v[0..n) as Python 3's repr() writes the same
 * double (the shortest decimal that reads back exactly), in the gateway's
 * number style: no ".0" on whole numbers, 0 for -0, null for NaN and the
 * infinities.  An independent reference for number printing.  A malloc'd
 * array of n malloc'd strings (t_py_free), or NULL when python3 cannot
 * be run. */
char **t_py_numbers(const double *v, size_t n);
void   t_py_free(char **s, size_t n);

#endif
