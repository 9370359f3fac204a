/* jsonrpc: envelopes and bounded parsing of JSON-RPC 2.0 messages. */
#include "mcp/jsonrpc.h"
#include "util/jsonw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rpc_fail(rpc_error *er, int code, const char *fmt, ...)
{
    er->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(er->msg, sizeof er->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void rpc_error_clear(rpc_error *er)
{
    cJSON_Delete(er->data);
    er->data = NULL;
}

/* Length of the UTF-8 sequence at s (n bytes left), 0 if invalid:
 * overlongs, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned min;
    if ((c & 0xE0) == 0xC0) { need = 2; min = 0x80; c &= 0x1F; }
    else if ((c & 0xF0) == 0xE0) { need = 3; min = 0x800; c &= 0x0F; }
    else if ((c & 0xF8) == 0xF0) { need = 4; min = 0x10000; c &= 0x07; }
    else return 0;
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return need;
}

/* One pass over the bytes: nesting depth outside strings and UTF-8. */
static int prescan(const unsigned char *s, size_t len, int max_depth, rpc_error *er)
{
    int depth = 0, in_str = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t l = utf8_len(s + i, len - i);
            if (!l)
                return rpc_fail(er, RPC_PARSE_ERROR, "Parse error: invalid UTF-8 at byte %zu", i);
            i += l;
            continue;
        }
        if (in_str) {
            /* cJSON keeps strings NUL-terminated, so "a\u0000b" would be read
             * as "a": an id echoed back changed (a mis-routed answer) and a
             * tool name matching another tool.  Refused, as are raw control
             * characters, which JSON does not allow in strings. */
            if (c < 0x20)
                return rpc_fail(er, RPC_PARSE_ERROR, "Parse error: control character in a "
                                "string at byte %zu", i);
            if (c == '\\' && len - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0)
                return rpc_fail(er, RPC_PARSE_ERROR, "Parse error: \\u0000 (NUL) in a string "
                                "at byte %zu is not supported", i);
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return rpc_fail(er, RPC_INVALID_REQUEST,
                                "Invalid Request: JSON nested deeper than %d levels", max_depth);
        } else if (c == ']' || c == '}') {
            depth--;
        }
        i++;
    }
    return 0;
}

cJSON *rpc_parse(const char *s, size_t len, size_t max_bytes, int max_depth,
                 rpc_error *er)
{
    if (len > max_bytes) {
        rpc_fail(er, RPC_INVALID_REQUEST, "Invalid Request: message of %zu bytes exceeds "
                 "the %zu-byte limit", len, max_bytes);
        return NULL;
    }
    if (prescan((const unsigned char *)s, len, max_depth, er) != 0)
        return NULL;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, len, &end, 0);
    if (j) {
        /* Only white space may follow the value. */
        for (const char *p = end; p < s + len; p++) {
            if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\0') {
                cJSON_Delete(j);
                j = NULL;
                break;
            }
        }
    }
    if (!j)
        rpc_fail(er, RPC_PARSE_ERROR, "Parse error: not valid JSON");
    return j;
}

static int valid_id(const cJSON *id)
{
    if (cJSON_IsString(id))
        return 1;
    return cJSON_IsNumber(id) && isfinite(id->valuedouble) &&
           id->valuedouble == floor(id->valuedouble) &&
           fabs(id->valuedouble) <= 9007199254740991.0;
}

int rpc_parse_request(const cJSON *msg, const cJSON **id, const char **method,
                      const cJSON **params, rpc_error *er)
{
    *id = NULL;
    *method = NULL;
    *params = NULL;
    if (!cJSON_IsObject(msg))
        return rpc_fail(er, RPC_INVALID_REQUEST, "Invalid Request: a message must be a JSON object");
    const cJSON *jid = cJSON_GetObjectItemCaseSensitive(msg, "id");
    if (jid && valid_id(jid))
        *id = jid;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
    if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0") != 0)
        return rpc_fail(er, RPC_INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    if (!m) {
        if (cJSON_GetObjectItemCaseSensitive(msg, "result") ||
            cJSON_GetObjectItemCaseSensitive(msg, "error"))
            return 0;   /* a response: nothing to answer */
        return rpc_fail(er, RPC_INVALID_REQUEST, "Invalid Request: \"method\" is missing");
    }
    if (!cJSON_IsString(m) || !m->valuestring[0])
        return rpc_fail(er, RPC_INVALID_REQUEST, "Invalid Request: \"method\" must be a non-empty string");
    if (jid && !valid_id(jid))
        return rpc_fail(er, RPC_INVALID_REQUEST, "Invalid Request: \"id\" must be a string or an "
                        "integer, not %s", cJSON_IsNull(jid) ? "null" : "that");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(msg, "params");
    if (p && !cJSON_IsObject(p))
        return rpc_fail(er, RPC_INVALID_REQUEST, "Invalid Request: \"params\" must be an object");
    *method = m->valuestring;
    *params = p;
    return 0;
}

cJSON *rpc_id_dup(const cJSON *id)
{
    /* jsonw prints whole numbers below 1e16 digit for digit, so every id
     * valid_id lets through (|id| < 2^53) goes back as it came. */
    return id ? cJSON_Duplicate(id, 0) : cJSON_CreateNull();
}

static cJSON *envelope(const cJSON *id)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "jsonrpc", "2.0");
    cJSON_AddItemToObject(o, "id", rpc_id_dup(id));
    return o;
}

cJSON *rpc_result_reply(const cJSON *id, cJSON *result)
{
    cJSON *o = envelope(id);
    cJSON_AddItemToObject(o, "result", result);
    return o;
}

cJSON *rpc_error_reply(const cJSON *id, rpc_error *er)
{
    cJSON *o = envelope(id);
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddNumberToObject(e, "code", er->code);
    cJSON_AddStringToObject(e, "message", er->msg);
    if (er->data) {
        cJSON_AddItemToObject(e, "data", er->data);
        er->data = NULL;
    }
    return o;
}

char *rpc_notification(const char *method, cJSON *params)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "jsonrpc", "2.0");
    cJSON_AddStringToObject(o, "method", method);
    if (params)
        cJSON_AddItemToObject(o, "params", params);
    char *s = jsonw_print(o, NULL);
    cJSON_Delete(o);
    return s;
}

int rpc_http_status(const rpc_error *er, int modern)
{
    switch (er->code) {
    case RPC_PARSE_ERROR:
    case RPC_INVALID_REQUEST:
        return 400;
    case RPC_METHOD_NOT_FOUND:
        return modern ? 404 : 200;
    case RPC_INVALID_PARAMS:
    case RPC_HEADER_MISMATCH:
    case RPC_MISSING_CAPABILITY:
    case RPC_UNSUPPORTED_VERSION:
        return modern ? 400 : 200;
    default:
        return 200;
    }
}
