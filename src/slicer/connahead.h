/* connahead: the TCP connections of REST calls, opened ahead of the call
 * and closed after the reply.
 *
 * Slicer's Web Server closes every connection after one answer
 * (WebServer.py, SlicerRequestCommunicator.onWritable), so each REST call
 * needs a new TCP connection; connect() and close() were 40% of the
 * gateway's CPU on a JSON call.  Both leave the reply's path: the next
 * call's connection is opened ahead between calls, to the address curl
 * last connected to, and handed to curl as already connected; closing
 * waits for the same moment.  Each connection still carries one request.
 * The backend hands the three callbacks below to every easy handle, with
 * the connahead as their data. */
#ifndef CONNAHEAD_H
#define CONNAHEAD_H

#include <curl/curl.h>

typedef struct connahead connahead;

/* NULL when out of memory. */
connahead *connahead_new(void);
/* Closes what is open or waits to be closed; after curl's clean-up,
 * which may still close sockets through connahead_close. */
void connahead_free(connahead *ca);
/* Between calls: closes the sockets curl is done with and opens the next
 * call's connection (once curl has connected somewhere: it resolves the
 * host). */
void connahead_idle(connahead *ca);

/* CURLOPT_OPENSOCKETFUNCTION: the connection opened ahead when it goes
 * to the same address and is fit for use, else a new socket. */
curl_socket_t connahead_open(void *ca, curlsocktype purpose, struct curl_sockaddr *a);
/* CURLOPT_SOCKOPTFUNCTION: tells curl that a connection opened ahead is
 * already connected. */
int connahead_sockopt(void *ca, curl_socket_t fd, curlsocktype purpose);
/* CURLOPT_CLOSESOCKETFUNCTION: closed at the next connahead_idle, or now
 * when too many wait. */
int connahead_close(void *ca, curl_socket_t fd);

#endif
