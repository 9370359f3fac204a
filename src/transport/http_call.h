/* http_call: one message through the core for an HTTP request: its turn
 * at the gate, the run on the core thread, and the JSON, 202 or SSE
 * answer.  The request's connection is parked while the call waits. */
#ifndef HTTP_CALL_H
#define HTTP_CALL_H

#include "transport/http_internal.h"

/* Queues rq's body for the core with session core: answers 503 at once
 * when the queue is full, else parks the connection (rq->call set) until
 * the call has its first notification or its reply, or the gate turns it
 * away (504, 503).  Takes over core when sess is NULL (freed unless
 * is_init keeps it as a new session) and the caller's reference to sess. */
enum MHD_Result http_call(http_srv *S, struct MHD_Connection *c, http_req *rq, mcp_session *core,
                          http_sess *sess, const cJSON *id, int is_init);
/* libmicrohttpd's next call of the handler for a request with rq->call:
 * answers with JSON, 202, or a live SSE stream when the call sends
 * notifications; parks again if there is nothing to answer yet. */
enum MHD_Result http_call_resume(http_srv *S, struct MHD_Connection *c, http_req *rq);
/* Drops rq's reference to its call, if it still has one. */
void http_call_release(http_req *rq);

#endif
