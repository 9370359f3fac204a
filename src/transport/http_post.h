/* http_post: a POST to the MCP endpoint, in both protocol eras. */
#ifndef HTTP_POST_H
#define HTTP_POST_H

#include "transport/http_internal.h"

/* Handles a POST whose body is complete (http_post.c). */
enum MHD_Result http_post(http_srv *S, struct MHD_Connection *c, http_req *rq);

#endif
