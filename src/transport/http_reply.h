/* http_reply: queuing responses on a libmicrohttpd connection: a copied
 * body, a JSON-RPC error, and the Server-Sent Events streams of a
 * session.  Used by every part of the HTTP transport. */
#ifndef HTTP_REPLY_H
#define HTTP_REPLY_H

#include "transport/http_internal.h"

/* Queues a response with a copy of body (may be NULL) and the given
 * Content-Type (NULL: none); extra is NULL or "Name", "value", ... NULL. */
enum MHD_Result http_respond(struct MHD_Connection *c, unsigned status, const char *ctype,
                             const char *body, size_t len, const char *const *extra);
/* A JSON-RPC error reply (id may be NULL: null) with this HTTP status. */
enum MHD_Result http_respond_error(struct MHD_Connection *c, unsigned status, const cJSON *id,
                                   int code, const char *msg, const char *const *extra);
/* A request header, or NULL.  MHD compares header names caselessly. */
const char *http_header(struct MHD_Connection *c, const char *name);
/* Whether the Accept header (absent: yes) admits this media type. */
int http_accepts(struct MHD_Connection *c, const char *type);
/* Queues resp as a 200 text/event-stream (no caching, no proxy
 * buffering) and releases the caller's reference to it. */
enum MHD_Result http_queue_sse(struct MHD_Connection *c, struct MHD_Response *resp);

/* Queues an SSE response that streams session s's queued messages until
 * it ends; takes over the caller's reference to s and the stream flag
 * (http_sess_stream_open).  With listen_id it is a 2026-07-28
 * subscriptions/listen stream: first is the acknowledgement, messages
 * are filtered (want_tools) and tagged, and the session ends with it. */
enum MHD_Result http_stream(http_srv *S, struct MHD_Connection *c, http_sess *s, const cJSON *listen_id,
                            int want_tools, const char *first);

#endif
