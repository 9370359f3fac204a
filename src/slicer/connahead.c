/* connahead: connections opened ahead, closed late (see connahead.h). */
#include "slicer/connahead.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sockets curl is done with, closed at the next idle (more close at once). */
#define CONNAHEAD_CLOSING 8

struct connahead {
    int fd;                     /* opened ahead, or -1 */
    int handed;                 /* given to the transfer in progress, or -1 */
    int have_addr;
    int family, socktype, protocol;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int closing[CONNAHEAD_CLOSING];
    size_t nclosing;
};

connahead *connahead_new(void)
{
    connahead *ca = calloc(1, sizeof *ca);
    if (ca)
        ca->fd = ca->handed = -1;
    return ca;
}

static void close_deferred(connahead *ca)
{
    while (ca->nclosing)
        close(ca->closing[--ca->nclosing]);
}

void connahead_free(connahead *ca)
{
    if (!ca)
        return;
    close_deferred(ca);
    if (ca->fd >= 0)
        close(ca->fd);
    free(ca);
}

/* Closed later, or now when too many wait. */
static void defer_close(connahead *ca, int fd)
{
    if (ca->nclosing < CONNAHEAD_CLOSING)
        ca->closing[ca->nclosing++] = fd;
    else
        close(fd);
}

/* The connection opened ahead is fit to carry a request: connected, with
 * nothing to read (an idle HTTP connection readable means Slicer closed
 * or reset it, e.g. on a restart). */
static int fit_for_use(int fd)
{
    struct pollfd pf = { .fd = fd, .events = POLLIN | POLLOUT };
    int soerr = 0;
    socklen_t len = sizeof soerr;
    return poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT &&
           getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0;
}

curl_socket_t connahead_open(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    connahead *ca = ud;
    if (purpose != CURLSOCKTYPE_IPCXN)
        return CURL_SOCKET_BAD;
    int same = ca->have_addr && a->family == ca->family && a->socktype == ca->socktype &&
               a->protocol == ca->protocol && a->addrlen == ca->addrlen &&
               memcmp(&a->addr, &ca->addr, a->addrlen) == 0;
    if (ca->fd >= 0) {
        int fd = ca->fd;
        ca->fd = -1;
        if (same && fit_for_use(fd)) {
            ca->handed = fd;
            return fd;
        }
        defer_close(ca, fd);
    }
    if (a->addrlen <= sizeof ca->addr) {
        ca->family = a->family;
        ca->socktype = a->socktype;
        ca->protocol = a->protocol;
        ca->addrlen = a->addrlen;
        memcpy(&ca->addr, &a->addr, a->addrlen);
        ca->have_addr = 1;
    }
    return socket(a->family, a->socktype, a->protocol);
}

int connahead_sockopt(void *ud, curl_socket_t fd, curlsocktype purpose)
{
    const connahead *ca = ud;
    (void)purpose;
    return fd == ca->handed ? CURL_SOCKOPT_ALREADY_CONNECTED : CURL_SOCKOPT_OK;
}

int connahead_close(void *ud, curl_socket_t fd)
{
    connahead *ca = ud;
    if (fd == ca->handed)
        ca->handed = -1;
    defer_close(ca, fd);
    return 0;
}

/* On loopback the connection is made at once; elsewhere it is checked
 * when used and dropped if not yet made. */
static void open_ahead(connahead *ca)
{
    if (ca->fd >= 0 || !ca->have_addr)
        return;
    int fd = socket(ca->family, ca->socktype, ca->protocol);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
        (connect(fd, (const struct sockaddr *)&ca->addr, ca->addrlen) != 0 && errno != EINPROGRESS)) {
        close(fd);
        return;
    }
    ca->fd = fd;
}

void connahead_idle(connahead *ca)
{
    close_deferred(ca);
    open_ahead(ca);
}
