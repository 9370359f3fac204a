/* http_tls: reading the PEM files for HTTPS. */
#include "transport/http_tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, NUL-terminated; NULL with e. */
static char *read_pem(const char *opt, const char *path, const char *marker, err *e)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        err_set(e, ERR_INVALID, "%s %s: %s", opt, path, strerror(errno));
        return NULL;
    }
    char *text = malloc(HTTP_TLS_MAX_PEM + 1);
    size_t n = text ? fread(text, 1, HTTP_TLS_MAX_PEM + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!text || bad || n > HTTP_TLS_MAX_PEM) {
        err_set(e, ERR_INVALID, "%s %s: %s", opt, path,
                !text ? "out of memory" : bad ? "read error" : "larger than 1 MiB");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    if (!strstr(text, "-----BEGIN ") || !strstr(text, marker)) {
        err_set(e, ERR_INVALID, "%s %s: no PEM %s block in it", opt, path, marker);
        free(text);
        return NULL;
    }
    return text;
}

int http_tls_load(const char *cert_file, const char *key_file, http_tls *t, err *e)
{
    t->cert = t->key = NULL;
    if (!cert_file && !key_file)
        return 0;
    if (!cert_file || !key_file)
        return err_set(e, ERR_INVALID, "--tls-cert and --tls-key go together");
    if (!(t->cert = read_pem("--tls-cert", cert_file, "CERTIFICATE", e)))
        return -1;
    if (!(t->key = read_pem("--tls-key", key_file, "PRIVATE KEY", e))) {
        http_tls_free(t);
        return -1;
    }
    return 0;
}

void http_tls_free(http_tls *t)
{
    if (t->key) {
        volatile char *k = t->key;
        while (*k)
            *k++ = 0;
    }
    free(t->key);
    free(t->cert);
    t->cert = t->key = NULL;
}
