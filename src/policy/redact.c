/* redact: key and pattern rules, compiled once, applied to cJSON trees. */
#include "policy/redact.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/yamljson.h"
#include "util/jsonr.h"
#include "util/jsonw.h"

typedef struct {
    char *name;
    char **keys;
    size_t nkeys;
    regex_t key_re, re;
    int has_key_re, has_re;
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
    if (r->has_key_re)
        regfree(&r->key_re);
    if (r->has_re)
        regfree(&r->re);
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

static int compile(regex_t *re, const char *pat, const yj_doc *d, const char *path,
                   const cJSON *node, err *e)
{
    int rc = regcomp(re, pat, REG_EXTENDED);
    if (rc != 0) {
        char why[256], msg[400];
        regerror(rc, re, why, sizeof why);
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
        r->has_key_re = 1;
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "pattern");
    if (p) {
        if (!cJSON_IsString(p))
            return fail_at(e, d, path, p, 0, "pattern must be a string");
        if (compile(&r->re, p->valuestring, d, path, p, e) != 0)
            return -1;
        r->has_re = 1;
    }
    if (!r->nkeys && !r->has_key_re && !r->has_re)
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

static const rule *key_rule(const redact *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++) {
        const rule *ru = &r->rules[i];
        for (size_t k = 0; k < ru->nkeys; k++)
            if (strcmp(ru->keys[k], key) == 0)
                return ru;
        if (ru->has_key_re && regexec(&ru->key_re, key, 0, NULL, 0) == 0)
            return ru;
    }
    return NULL;
}

char *redact_text(const redact *r, const char *s, int *count)
{
    int hits = 0;
    char *cur = NULL;      /* owned copy once something matched */
    for (size_t i = 0; r && i < r->n; i++) {
        const rule *ru = &r->rules[i];
        if (!ru->has_re)
            continue;
        const char *src = cur ? cur : s;
        buf out;
        buf_init(&out, (size_t)1 << 30);
        const char *p = src;
        regmatch_t m;
        int matched = 0, flags = 0;
        while (*p && regexec(&ru->re, p, 1, &m, flags) == 0) {
            if (m.rm_eo == m.rm_so) {          /* empty match: step over one byte */
                buf_append(&out, p, (size_t)m.rm_so + 1);
                p += m.rm_so + 1;
            } else {
                buf_append(&out, p, (size_t)m.rm_so);
                buf_printf(&out, "[REDACTED:%s]", ru->name);
                p += m.rm_eo;
                matched++;
            }
            flags = REG_NOTBOL;
        }
        if (matched) {
            buf_puts(&out, p);
            free(cur);
            cur = buf_steal(&out, NULL);
            hits += matched;
        } else {
            buf_free(&out);
        }
    }
    if (count)
        *count = hits;
    return cur;
}

static int redact_node(const redact *r, cJSON *node)
{
    int hits = 0;
    cJSON *it = node->child;
    while (it) {
        cJSON *next = it->next;
        const rule *ru = cJSON_IsObject(node) && it->string ? key_rule(r, it->string) : NULL;
        if (ru) {
            char marker[300];
            snprintf(marker, sizeof marker, "[REDACTED:%s]", ru->name);
            /* By key, so the replacement keeps the member's name. */
            cJSON_ReplaceItemInObjectCaseSensitive(node, it->string, cJSON_CreateString(marker));
            hits++;
        } else if (cJSON_IsString(it)) {
            hits += redact_json(r, it);
        } else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
            hits += redact_node(r, it);
        }
        it = next;
    }
    return hits;
}

int redact_json(const redact *r, cJSON *node)
{
    if (!r || !node)
        return 0;
    if (!cJSON_IsString(node))
        return redact_node(r, node);
    /* A string that is itself JSON (a text block rendering the structured
     * result) gets the key rules too. */
    const char *s = node->valuestring;
    int hits = 0;
    if (s[0] == '{' || s[0] == '[') {
        cJSON *inner = jsonr_parse(s, strlen(s) + 1, NULL);   /* as cJSON_Parse */
        if (inner && (hits = redact_node(r, inner)) > 0) {
            char *re = jsonw_print(inner, NULL);
            if (re)
                cJSON_SetValuestring(node, re);
            free(re);
        }
        cJSON_Delete(inner);
    }
    int n = 0;
    char *t = redact_text(r, node->valuestring, &n);
    if (t) {
        cJSON_SetValuestring(node, t);
        free(t);
    }
    return hits + n;
}
