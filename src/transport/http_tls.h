/* http_tls: the certificate and key for --tls-cert/--tls-key, read into
 * memory for libmicrohttpd's GnuTLS (MHD_OPTION_HTTPS_MEM_CERT/KEY). */
#ifndef HTTP_TLS_H
#define HTTP_TLS_H

#include "util/err.h"

#define HTTP_TLS_MAX_PEM (1u << 20)   /* a chain of a few certificates is a few kB */

typedef struct {
    char *cert, *key;   /* NUL-terminated PEM text, owned; NULL: no TLS */
} http_tls;

/* Both files or neither (then t stays empty and 0 is returned).  -1 with
 * e (ERR_INVALID) for one without the other, an unreadable or oversized
 * file, or one that holds no PEM block of the expected kind. */
int  http_tls_load(const char *cert_file, const char *key_file, http_tls *t, err *e);
/* Wipes the key before freeing it. */
void http_tls_free(http_tls *t);

#endif
