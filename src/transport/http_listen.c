/* http_listen: the listening sockets of the HTTP transport (the MCP
 * endpoint's, and the /metrics listener's when it has its own address),
 * bound before libmicrohttpd starts so that a refused address is refused
 * before anything binds: not even a connection attempt reaches it. */
#include "transport/http_listen.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport/http_access.h"

int http_listen_on(const char *opt, const char *spec, const char *remote_refused, int *loopback, char *shown,
                   size_t shown_n, err *e)
{
    char host[256] = "127.0.0.1";
    const char *port = spec, *colon = strrchr(spec, ':');
    if (colon) {
        const char *h = spec;
        size_t hn = (size_t)(colon - spec);
        if (hn >= 2 && h[0] == '[' && h[hn - 1] == ']') {
            h++;
            hn -= 2;
        }
        if (hn == 0 || hn >= sizeof host)
            return err_set(e, ERR_INVALID, "%s %s: expected HOST:PORT", opt, spec);
        memcpy(host, h, hn);
        host[hn] = '\0';
        port = colon + 1;
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535)
        return err_set(e, ERR_INVALID, "%s %s: the port must be a number from 0 to 65535", opt, spec);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
    struct addrinfo *ai;
    int gr = getaddrinfo(host, port, &hints, &ai);
    if (gr != 0)
        return err_set(e, ERR_INVALID, "%s %s: %s", opt, spec, gai_strerror(gr));
    *loopback = http_addr_is_loopback(ai->ai_addr);
    if (!*loopback && remote_refused) {
        freeaddrinfo(ai);
        return err_set(e, ERR_INVALID, "%s %s: refusing to serve %s", opt, spec, remote_refused);
    }
#ifdef SOCK_CLOEXEC
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
#else
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);   /* macOS: no SOCK_CLOEXEC */
    if (fd >= 0)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0) {
        err_set(e, ERR_INTERNAL, "%s %s: cannot listen: %s", opt, spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    char num[INET6_ADDRSTRLEN], ps[8];
    getnameinfo((struct sockaddr *)&ss, sl, num, sizeof num, ps, sizeof ps, NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(shown, shown_n, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", num, ps);
    freeaddrinfo(ai);
    return fd;
}

