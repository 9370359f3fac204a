/* http_park: connections parked while they wait.  libmicrohttpd runs a
 * few polling threads for every connection, so no callback may block: a
 * call waiting for Slicer and an SSE stream waiting for its next event
 * suspend their connection instead (MHD_suspend_connection) and are
 * resumed by whoever has news for them: the core thread, the gate's
 * time-out, a session's message.  The registry also wakes every parked
 * connection that has been quiet for the keep-alive interval or whose
 * client hung up (libmicrohttpd watches no suspended socket), and all
 * of them before the daemon stops, which it must not do with any
 * connection suspended. */
#ifndef HTTP_PARK_H
#define HTTP_PARK_H

#include "transport/http_mhd.h"

typedef struct http_parking http_parking;
typedef struct http_parked http_parked;

/* One waiter, embedded in what waits (a call, a stream). */
struct http_parked {
    http_parked *prev, *next;    /* in the registry while parked */
    struct MHD_Connection *c;
    int fd;
    int parked;                  /* suspended, in the registry */
    int woken;                   /* a wake came while not parked */
    double since_ms;             /* when it was parked */
};

/* NULL on OOM.  Parked connections are woken after keepalive_ms. */
http_parking *http_parking_new(long keepalive_ms);
void http_parking_free(http_parking *p);

void http_parked_init(http_parked *w, struct MHD_Connection *c);
/* From a libmicrohttpd callback of w's connection, after finding nothing
 * to do: 1 when it suspended the connection (return and wait to be
 * called again); 0 when a wake came since the last call (look again);
 * -1 when the registry is stopped (finish now). */
int  http_park(http_parking *p, http_parked *w);
/* Resumes w's connection if it is parked, else makes its next park
 * return 0.  From any thread, while w is alive. */
void http_unpark(http_parking *p, http_parked *w);
/* 1 if the client closed its side (a peek reads end-of-file). */
int  http_peer_gone(int fd);
/* Wakes the parked connections quiet for keepalive_ms or whose client
 * left (the idle loop calls this). */
void http_parking_sweep(http_parking *p);
/* Wakes every parked connection; later parks return -1. */
void http_parking_stop(http_parking *p);

#endif
