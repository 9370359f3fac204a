/* http_conns: the connections the HTTP transport holds open, watched so
 * that clients who have not authenticated cannot hold them forever.
 * libmicrohttpd's own time-out counts inactivity only, so one byte every
 * 100 s kept a slot; here every request must arrive whole (headers and
 * body) within a deadline counted from the connection's start or the end
 * of its previous request, or the connection is shut.  New connections
 * beyond the total or per-address limit are refused.  Every refusal is
 * logged with the peer's address. */
#ifndef HTTP_CONNS_H
#define HTTP_CONNS_H

#include <sys/socket.h>

#include "transport/http_mhd.h"
#include "slicer/metrics.h"

typedef struct http_conns http_conns;

/* NULL on OOM.  max: connections in all; per_ip: from one address;
 * deadline_ms: for each request to arrive whole; each refusal and shut
 * connection counts as a limits refusal in m (may be NULL). */
http_conns *http_conns_new(unsigned max, unsigned per_ip, long deadline_ms, metrics *m);
void http_conns_free(http_conns *t);

/* libmicrohttpd's accept policy (MHD_start_daemon's apc), with t as its
 * closure: MHD_NO, logged, past a limit. */
enum MHD_Result http_conns_accept(void *t, const struct sockaddr *addr, socklen_t len);
/* MHD_OPTION_NOTIFY_CONNECTION, with t as its closure. */
void http_conns_notify(void *t, struct MHD_Connection *c, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);

/* The request on c has arrived whole: its clock stops.  And its response
 * is done: the clock runs again for the next request on the connection. */
void http_conns_arrived(http_conns *t, struct MHD_Connection *c);
void http_conns_finished(http_conns *t, struct MHD_Connection *c);

/* Shuts every connection past its deadline (the idle loop calls this);
 * returns how many. */
unsigned http_conns_sweep(http_conns *t);

#endif
