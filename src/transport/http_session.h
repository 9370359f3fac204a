/* http_session: the legacy-era sessions of the HTTP transport.  Each has
 * a random Mcp-Session-Id, the core's mcp_session (touched only while the
 * caller holds the core gate), a reference count of the requests using
 * it, a queue of messages for its GET stream (whose parked connection
 * a new message or the session's end wakes), and the ids of requests the
 * client cancelled.  The table has its own lock, separate from the core
 * gate, so DELETE, cancellation and streams never wait for Slicer. */
#ifndef HTTP_SESSION_H
#define HTTP_SESSION_H

#include <cjson/cJSON.h>
#include "mcp/mcp.h"
#include "transport/http_park.h"

#define HTTP_SESSION_ID_LEN   32   /* hex characters of 16 random bytes */
#define HTTP_SESSION_QUEUE    16   /* messages kept for a GET stream */
#define HTTP_SESSION_CANCELS  16   /* cancelled request ids remembered */

typedef struct http_sessions http_sessions;
typedef struct http_sess http_sess;

/* NULL on OOM.  max_sessions legacy sessions, and apart from them
 * max_streams open streams (GET streams and subscriptions/listen);
 * streams are woken through parking (borrowed). */
http_sessions *http_sessions_new(unsigned max_sessions, unsigned max_streams, long idle_ms,
                                 http_parking *parking);
/* Frees the table and every session; call when no request is running. */
void http_sessions_free(http_sessions *t);
/* Wakes every stream so it ends; later lookups fail. */
void http_sessions_stop(http_sessions *t);
unsigned http_sessions_count(http_sessions *t);
/* How many GET or listen streams are open. */
unsigned http_sessions_streams(http_sessions *t);

/* Sessions are bound to their opener (MCP security best practices,
 * "Session Hijacking": bind session ids to user-specific information):
 * owner is a string made from the OAuth token's issuer and subject
 * (http_oauth_owner), or NULL when the transport has no per-user
 * identity.  A lookup finds a session only under the owner it was opened
 * with, as if the key were "<owner>:<id>", so a session id that leaked
 * is of no use with another person's token.
 *
 * Registers core (ownership passes to the table; NULL for a modern
 * subscriptions/listen stream, which takes a stream instead, with its
 * stream open) under a fresh random id and returns it referenced.  When
 * max_sessions are open, the least recently used one no request or
 * stream is using is ended to make room: sessions are cheap to open
 * again, and real clients never end theirs.  NULL, with *why (static
 * text), when every session is in use, the streams are all taken, or the
 * random source failed (core is then left to the caller). */
http_sess *http_sessions_add(http_sessions *t, mcp_session *core, const char *owner, const char **why);
/* The live session with this id and owner, referenced; NULL if unknown,
 * ended, or opened by another owner (then *foreign is set, so the caller
 * can audit the attempt; foreign may be NULL). */
http_sess *http_sessions_get(http_sessions *t, const char *id, const char *owner, int *foreign);
/* Drops a reference; an ended session is freed with its last one. */
void http_sessions_put(http_sessions *t, http_sess *s);
/* Ends a session (DELETE): later lookups fail, its stream ends.  -1 if
 * the id is unknown. */
int  http_sessions_end(http_sessions *t, const char *id);
/* Ends sessions unused for longer than the idle time; returns how many. */
unsigned http_sessions_expire(http_sessions *t);
/* Queues a copy of json for every session's GET stream. */
void http_sessions_broadcast(http_sessions *t, const char *json);

const char  *http_sess_id(const http_sess *s);
mcp_session *http_sess_core(http_sess *s);

/* The GET stream: only one per session (-1 if one is open already), and
 * max_streams in all (-2). */
int  http_sess_stream_open(http_sessions *t, http_sess *s);
/* The stream's connection, woken by a new message and by the session's
 * or the server's end; until http_sess_stream_close. */
void http_sess_stream_watch(http_sessions *t, http_sess *s, http_parked *w);
/* Next queued message (caller frees) without waiting; NULL if none, with
 * *done set when the session or the server ended. */
char *http_sess_stream_next(http_sessions *t, http_sess *s, int *done);
void http_sess_stream_close(http_sessions *t, http_sess *s);

/* notifications/cancelled: remembers id; and the check the core polls. */
void http_sess_cancel_add(http_sessions *t, http_sess *s, const cJSON *id);
int  http_sess_cancelled(http_sessions *t, http_sess *s, const cJSON *id);

#endif
