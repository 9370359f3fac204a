/* redact: key and pattern rules, compiled once, applied to cJSON trees. */
#include "policy/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/rx.h"
#include "util/yamljson.h"
#include "util/jsonw.h"

typedef struct {
    char *name;
    char **keys;
    size_t nkeys;
    rx *key_re, *re;
} rule;

struct redact {
    rule *rules;
    size_t n;
};

static void rule_free(rule *r)
{
    free(r->name);
    for (size_t i = 0; i < r->nkeys; i++)
        free(r->keys[i]);
    free(r->keys);
    rx_free(r->key_re);
    rx_free(r->re);
}

void redact_free(redact *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        rule_free(&r->rules[i]);
    free(r->rules);
    free(r);
}

size_t redact_rule_count(const redact *r) { return r ? r->n : 0; }

/* "FILE:LINE:COL: msg" at node (or its key) in doc. */
static int fail_at(err *e, const yj_doc *d, const char *path, const cJSON *node, int key,
                   const char *msg)
{
    int line = 0, col = 0;
    if (key)
        yj_key_pos(d, node, &line, &col);
    else
        yj_pos(d, node, &line, &col);
    return err_set(e, ERR_INVALID, "%s:%d:%d: %s", path, line, col, msg);
}

/* rx, not regcomp: a rule runs on text a client chose, and glibc's
 * matcher is quadratic (or worse) on some patterns; rx is linear in the
 * text whatever the pattern, and refuses what it cannot do so. */
static int compile(rx **re, const char *pat, const yj_doc *d, const char *path,
                   const cJSON *node, err *e)
{
    char why[256], msg[400];
    *re = rx_compile(pat, why, sizeof why);
    if (!*re) {
        snprintf(msg, sizeof msg, "invalid regular expression: %s", why);
        return fail_at(e, d, path, node, 0, msg);
    }
    return 0;
}

static int load_rule(rule *r, const cJSON *o, const yj_doc *d, const char *path, err *e)
{
    if (!cJSON_IsObject(o))
        return fail_at(e, d, path, o, 0, "a rule must be a mapping with name and keys, key_pattern or pattern");
    const cJSON *it;
    cJSON_ArrayForEach(it, o) {
        const char *k = it->string;
        if (strcmp(k, "name") && strcmp(k, "keys") && strcmp(k, "key_pattern") && strcmp(k, "pattern")) {
            char msg[200];
            snprintf(msg, sizeof msg, "unknown key '%.64s' (expected name, keys, key_pattern, pattern)", k);
            return fail_at(e, d, path, it, 1, msg);
        }
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
    if (!cJSON_IsString(name) || !name->valuestring[0] ||
        strspn(name->valuestring, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
            strlen(name->valuestring))
        return fail_at(e, d, path, name ? name : o, 0, "rule name must be letters, digits, '_' or '-'");
    r->name = strdup(name->valuestring);
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(o, "keys");
    if (keys) {
        if (!cJSON_IsArray(keys))
            return fail_at(e, d, path, keys, 0, "keys must be a list of strings");
        r->keys = calloc((size_t)cJSON_GetArraySize(keys) + 1, sizeof *r->keys);
        cJSON_ArrayForEach(it, keys) {
            if (!cJSON_IsString(it))
                return fail_at(e, d, path, it, 0, "keys must be a list of strings");
            r->keys[r->nkeys++] = strdup(it->valuestring);
        }
    }
    const cJSON *kp = cJSON_GetObjectItemCaseSensitive(o, "key_pattern");
    if (kp) {
        if (!cJSON_IsString(kp))
            return fail_at(e, d, path, kp, 0, "key_pattern must be a string");
        if (compile(&r->key_re, kp->valuestring, d, path, kp, e) != 0)
            return -1;
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "pattern");
    if (p) {
        if (!cJSON_IsString(p))
            return fail_at(e, d, path, p, 0, "pattern must be a string");
        if (compile(&r->re, p->valuestring, d, path, p, e) != 0)
            return -1;
    }
    if (!r->nkeys && !r->key_re && !r->re)
        return fail_at(e, d, path, o, 0, "a rule needs keys, key_pattern or pattern");
    return 0;
}

redact *redact_load(const char *path, err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, ERR_INVALID, "%s: cannot open the redaction rules", path);
        return NULL;
    }
    char *text = malloc(YJ_MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, YJ_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!text || n > YJ_MAX_BYTES) {
        free(text);
        err_set(e, ERR_LIMIT, "%s: larger than %u bytes", path, YJ_MAX_BYTES);
        return NULL;
    }
    yj_doc *d = yj_parse(text, n, path, e);
    free(text);
    if (!d)
        return NULL;
    redact *r = calloc(1, sizeof *r);
    const cJSON *root = yj_root(d);
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0 ||
        cJSON_GetArraySize(rules) > REDACT_MAX_RULES) {
        fail_at(e, d, path, rules ? rules : root, 0, "expected 'rules:' with 1 to 256 rules");
        goto fail;
    }
    r->rules = calloc((size_t)cJSON_GetArraySize(rules), sizeof *r->rules);
    const cJSON *it;
    cJSON_ArrayForEach(it, rules) {
        if (load_rule(&r->rules[r->n++], it, d, path, e) != 0)
            goto fail;
    }
    yj_free(d);
    return r;
fail:
    yj_free(d);
    redact_free(r);
    return NULL;
}

/* The rule that hides a member's value by its key.  A key_pattern that
 * cannot be run (out of memory) counts as a match: fail closed. */
static const rule *key_rule(const redact *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++) {
        const rule *ru = &r->rules[i];
        for (size_t k = 0; k < ru->nkeys; k++)
            if (strcmp(ru->keys[k], key) == 0)
                return ru;
        if (ru->key_re && rx_search(ru->key_re, key, strlen(key)) != 0)
            return ru;
    }
    return NULL;
}

typedef struct {
    buf out;
    const char *src;
    size_t at;              /* src is copied up to here */
    const char *name;
    int failed;
} splice;

static int on_match(void *ud, size_t start, size_t end)
{
    splice *sp = ud;
    if (buf_append(&sp->out, sp->src + sp->at, start - sp->at) != 0 ||
        buf_printf(&sp->out, "[REDACTED:%s]", sp->name) != 0)
        sp->failed = 1;
    sp->at = end;
    return sp->failed;
}

char *redact_text(const redact *r, const char *s, int *count)
{
    int hits = 0;
    char *cur = NULL;      /* owned copy once something matched */
    size_t len = strlen(s);
    for (size_t i = 0; r && i < r->n; i++) {
        const rule *ru = &r->rules[i];
        if (!ru->re)
            continue;
        splice sp = { .src = cur ? cur : s, .name = ru->name };
        buf_init(&sp.out, (size_t)1 << 30);
        long matched = rx_matches(ru->re, sp.src, len, on_match, &sp);
        if (matched > 0 && !sp.failed)
            sp.failed = buf_append(&sp.out, sp.src + sp.at, len - sp.at) != 0;
        if (matched < 0 || sp.failed) {
            buf_free(&sp.out);
            free(cur);
            hits = -1;
            cur = NULL;
            break;
        }
        if (matched) {
            free(cur);
            cur = buf_steal(&sp.out, &len);
            hits += (int)matched;
        } else {
            buf_free(&sp.out);
        }
    }
    if (count)
        *count = hits;
    return cur;
}

/* What stands for a text that could not be redacted (out of memory):
 * static, so hiding it needs no allocation. */
static char hidden[] = "[REDACTED]";

/* it becomes the string "[REDACTED]" without allocating: fail closed. */
static void hide(cJSON *it)
{
    cJSON_Delete(it->child);
    it->child = NULL;
    if (!(it->type & cJSON_IsReference))
        free(it->valuestring);
    it->valuestring = hidden;
    it->type = cJSON_String | cJSON_IsReference | (it->type & cJSON_StringIsConst);
}

/* Pattern rules over a member's key: a key can carry a name too. */
static int redact_key(const redact *r, cJSON *it)
{
    int n = 0;
    char *k = redact_text(r, it->string, &n);
    if (!k && n == 0)
        return 0;
    if (!(it->type & cJSON_StringIsConst))
        free(it->string);
    it->string = k ? k : hidden;
    it->type = k ? it->type & ~cJSON_StringIsConst : it->type | cJSON_StringIsConst;
    return n < 0 ? 1 : n;
}

static int redact_node(const redact *r, cJSON *node, redact_skip skip)
{
    int hits = 0;
    cJSON *it = node->child;
    while (it) {
        cJSON *next = it->next;
        const rule *ru = cJSON_IsObject(node) && it->string ? key_rule(r, it->string) : NULL;
        if ((it->type & cJSON_IsReference) || (skip && skip(node, it))) {
            /* A borrowed tree (tools/list's schemas) is the admin's own text;
             * what the caller skips (image data) is no text at all. */
            it = next;
            continue;
        } else if (ru) {
            char marker[300];
            snprintf(marker, sizeof marker, "[REDACTED:%s]", ru->name);
            cJSON *rep = cJSON_CreateString(marker);
            if (rep) {
                rep->string = it->string;
                rep->type |= it->type & cJSON_StringIsConst;
                it->string = NULL;
                cJSON_ReplaceItemViaPointer(node, it, rep);
                it = rep;
            } else {
                hide(it);
            }
            hits++;
        } else if (cJSON_IsString(it)) {
            hits += redact_json(r, it);
        } else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
            hits += redact_node(r, it, skip);
        }
        if (cJSON_IsObject(node) && it->string)
            hits += redact_key(r, it);
        it = next;
    }
    return hits;
}

int redact_json(const redact *r, cJSON *node)
{
    return redact_json_except(r, node, NULL);
}

int redact_json_except(const redact *r, cJSON *node, redact_skip skip)
{
    if (!r || !node || (node->type & cJSON_IsReference))
        return 0;
    if (!cJSON_IsString(node))
        return redact_node(r, node, skip);
    /* A string that is itself JSON (a text block rendering the structured
     * result) gets the key rules too. */
    const char *s = node->valuestring;
    int hits = 0;
    if (s[0] == '{' || s[0] == '[') {
        cJSON *inner = cJSON_Parse(s);
        if (inner && (hits = redact_node(r, inner, NULL)) > 0) {
            char *re = jsonw_print(inner, NULL);
            cJSON_Delete(inner);
            if (!re) {
                hide(node);
                return hits;
            }
            free(node->valuestring);
            node->valuestring = re;
        } else {
            cJSON_Delete(inner);
        }
    }
    int n = 0;
    char *t = redact_text(r, node->valuestring, &n);
    if (t) {
        /* Ours to replace: a reference's text is never reached here. */
        free(node->valuestring);
        node->valuestring = t;
    } else if (n < 0) {
        hide(node);
        n = 1;
    }
    return hits + n;
}

/* ---- REST targets ---- */

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The n bytes at s percent-decoded (and '+' as a space in a query) into
 * out (n + 1 bytes); -1 when a %00 would cut the text short. */
static int pct_decode(const char *s, size_t n, int query, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = hexval((unsigned char)s[i + 2])) >= 0) {
            if (hi == 0 && lo == 0)
                return -1;
            out[k++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[k++] = query && s[i] == '+' ? ' ' : s[i];
        }
    }
    out[k] = '\0';
    return 0;
}

/* Percent-encodes all but unreserved characters, and the brackets and
 * colon of the markers, which stay readable in the audit log. */
static int pct_encode(buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~[]:", *p)) {
            if (buf_append(b, p, 1) != 0)
                return -1;
        } else {
            char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
            if (buf_append(b, e, 3) != 0)
                return -1;
        }
    }
    return 0;
}

char *redact_target(const redact *r, const char *target, int *count)
{
    size_t n = strlen(target);
    const char *q = strchr(target, '?');
    char *tmp = malloc(n + 1);
    buf out;
    buf_init(&out, (size_t)1 << 30);
    int hits = 0, fail = !tmp;
    for (size_t i = 0; !fail && i <= n;) {
        int query = q && target + i > q;
        size_t j = i;
        while (j < n && !(query ? target[j] == '&' || target[j] == '=' : target[j] == '/' || target[j] == '?'))
            j++;
        int c = 0;
        if (pct_decode(target + i, j - i, query, tmp) != 0) {
            /* a %00 inside: the raw text is what the patterns see */
            memcpy(tmp, target + i, j - i);
            tmp[j - i] = '\0';
        }
        char *red = redact_text(r, tmp, &c);
        if (c < 0)
            fail = 1;
        else if (red)
            fail = pct_encode(&out, red) != 0;
        else
            fail = buf_append(&out, target + i, j - i) != 0;
        hits += c > 0 ? c : 0;
        free(red);
        if (j < n && !fail)
            fail = buf_append(&out, target + j, 1) != 0;
        i = j + 1;
    }
    free(tmp);
    if (fail || !hits) {
        buf_free(&out);
        if (count)
            *count = fail ? -1 : 0;
        return NULL;
    }
    if (count)
        *count = hits;
    return buf_steal(&out, NULL);
}
