/* sim_http: the stand-in's socket layer, framed byte for byte like the
 * hand-written server in Slicer's WebServer.py: one request per
 * connection, headers read up to CRLF CRLF, the body sized only by a
 * case-sensitive "Content-Length:", exact response header lines, close
 * after every answer, and silence (socket left open) for requests Slicer
 * would not answer.  All connections are polled together so none blocks
 * another's reading; requests are handled one at a time, like Slicer. */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <signal.h>
#include <stddef.h>

#define SIM_HTTP_HEADER_MAX  ((size_t)1 << 20)           /* Slicer's read chunk */
#define SIM_HTTP_BODY_MAX    ((size_t)512 * 1024 * 1024)
#define SIM_HTTP_MAX_CONNS   1000
/* Bytes of a streamed body made per write wake-up (sim_http_set_chunk). */
#define SIM_HTTP_CHUNK       ((size_t)1 << 20)

typedef struct {
    const char *method;              /* GET POST PUT DELETE OPTIONS */
    const char *target;              /* raw request target */
    const unsigned char *body;       /* NULL when empty */
    size_t body_len;
} sim_req;

typedef enum {
    SIM_SEND,        /* status line, headers, body */
    SIM_BARE404,     /* "HTTP/1.1 404 Not Found\r\n\r\n" */
    SIM_OPTIONS,     /* 5.8's 204 pre-flight answer, no blank line */
    SIM_SILENT,      /* never answer; keep the socket until the peer closes */
    SIM_DROP         /* close without answering */
} sim_action;

/* A body made as the socket takes it, for answers too big to build in
 * memory (a 2 GiB volume's NRRD).  read fills dst with the next n bytes
 * (never past the answer's len) and returns 0, or -1 to cut the answer;
 * done frees the source. */
typedef struct sim_body_src sim_body_src;
struct sim_body_src {
    int  (*read)(sim_body_src *s, unsigned char *dst, size_t n);
    void (*done)(sim_body_src *s);
};

/* What a handler fills in.  The http layer owns and frees body, src and code. */
typedef struct {
    sim_action action;
    int status;                  /* 200 or 500 for SIM_SEND */
    char ctype[128];
    unsigned char *body;
    size_t len;
    sim_body_src *src;           /* instead of body: len bytes read from src */
    long delay_ms;               /* answer this much later */
    int truncate;                /* send only half the body, then close */
    int cors;                    /* add Access-Control-* lines */
    int control;                 /* log as a control request */
    char *code;                  /* exec code for the log, or NULL */
    const char *fault;           /* fault kind for the log, or NULL */
} sim_resp;

typedef void (*sim_handler_fn)(void *ud, const sim_req *req, sim_resp *resp);

/* Binds 127.0.0.1:port (0 = any free port); returns the listening fd and
 * the real port in *bound, or -1 with errno set. */
int sim_http_listen(int port, int *bound);
/* Every request but the stand-in's own control requests then keeps the
 * server busy for mean_us +- jitter_us microseconds (uniform), during
 * which no other connection is read or written: Slicer's handlers run on
 * its Qt main thread (WebServer.py's QSocketNotifier callbacks call
 * handleRequest in line), so a Python handler's time blocks every other
 * request.  0, 0 (the default): no added time. */
void sim_http_set_service_time(long mean_us, long jitter_us);
/* Streamed bodies are made chunk bytes at a time (default SIM_HTTP_CHUNK;
 * tests make it small so that one answer takes many wake-ups). */
void sim_http_set_chunk(size_t chunk);
/* Frees r's body or body source (the http layer does it for answers it
 * sends; a handler that replaces an answer calls this first). */
void sim_resp_clear_body(sim_resp *r);
/* Serves until *stop becomes non-zero; closes every connection on the way
 * out.  wake_fd becomes readable whenever *stop is set (a self-pipe), so
 * a stop between the check and the wait is not slept through.  Returns
 * 0, or -1 on a fatal poll error. */
int sim_http_run(int lfd, int wake_fd, sim_handler_fn fn, void *ud,
                 volatile sig_atomic_t *stop);

#endif
