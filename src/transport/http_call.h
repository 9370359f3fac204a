/* http_call: one message through the core for an HTTP request: the turn
 * at the gate, the core thread that runs it, and the JSON, 202 or SSE answer. */
#ifndef HTTP_CALL_H
#define HTTP_CALL_H

#include "transport/http_internal.h"

/* Runs rq's body through the core with session core (http_call.c):
 * waits its turn at the gate (503/504 when it cannot), then answers with
 * JSON, 202, or a live SSE stream when the call sends notifications.
 * Takes over core when sess is NULL (freed unless is_init keeps it as a
 * new session) and the caller's reference to sess. */
enum MHD_Result http_call(http_srv *S, struct MHD_Connection *c, http_req *rq, mcp_session *core,
                          http_sess *sess, const cJSON *id, int is_init);

/* Starts the core thread; -1 if it cannot.  Call http_call_stop before
 * S goes away: it lets the call in progress finish, then joins. */
int  http_call_start(http_srv *S);
void http_call_stop(http_srv *S);
/* Gives the core thread a call whose waiter a non-core holder of the gate
 * (the housekeeping) handed the core to: what http_gate_leave returned. */
void http_call_post(http_srv *S, void *job);

#endif
