/* sim_query: parse_qs-compatible query parsing. */
#include "sim_query.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *sim_unquote(const char *s, int plus_is_space)
{
    size_t n = strlen(s);
    char *r = malloc(n + 1);
    if (!r)
        return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n + 0 + 1 && hexval((unsigned char)s[i + 1]) >= 0 &&
            s[i + 2] && hexval((unsigned char)s[i + 2]) >= 0) {
            r[w++] = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            r[w++] = ' ';
        } else {
            r[w++] = s[i];
        }
    }
    r[w] = '\0';
    return r;
}

int sim_query_parse(const char *qs, sim_query *q)
{
    memset(q, 0, sizeof *q);
    const char *p = qs;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq && eq + 1 < p + len && q->n < SIM_QUERY_MAX_PAIRS) {
            size_t kl = (size_t)(eq - p), vl = len - kl - 1;
            char *k = malloc(kl + 1), *v = malloc(vl + 1);
            if (!k || !v) {
                free(k);
                free(v);
                return -1;
            }
            memcpy(k, p, kl);
            k[kl] = '\0';
            memcpy(v, eq + 1, vl);
            v[vl] = '\0';
            char *dk = sim_unquote(k, 1), *dv = sim_unquote(v, 1);
            free(k);
            free(v);
            if (!dk || !dv) {
                free(dk);
                free(dv);
                return -1;
            }
            if (sim_query_get(q, dk) || !*dv) {
                free(dk);
                free(dv);
            } else {
                q->key[q->n] = dk;
                q->val[q->n] = dv;
                q->n++;
            }
        }
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}

const char *sim_query_get(const sim_query *q, const char *key)
{
    for (int i = 0; i < q->n; i++)
        if (strcmp(q->key[i], key) == 0)
            return q->val[i];
    return NULL;
}

void sim_query_free(sim_query *q)
{
    for (int i = 0; i < q->n; i++) {
        free(q->key[i]);
        free(q->val[i]);
    }
    q->n = 0;
}
