/* props: reading Slicer's /mrml/properties objects.  The shape follows
 * Modules/Scripted/WebServer/WebServerLib/SlicerRequestHandler.py
 * (nodeProperties) over the PrintSelf text of Libs/MRML/Core. */
#include "slicer/props.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int props_numbers(const cJSON *obj, const char *key, double *out, int n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n)
        return -1;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
            return -1;
        out[i++] = it->valuedouble;
    }
    return 0;
}

const char *props_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *props_text(const cJSON *obj, const char *key, char *tmp, size_t tmp_len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v))
        return v->valuestring;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || tmp_len < 32)
        return NULL;
    /* The shortest digits that read back as the same double: Python
     * printed the number the same way. */
    double d = v->valuedouble;
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, tmp_len, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return tmp;
}

const char *props_scalar_type(const cJSON *volume)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(volume, "ImageData");
    g = cJSON_GetObjectItemCaseSensitive(g, "Point Data");
    g = cJSON_GetObjectItemCaseSensitive(g, "Scalars");
    return props_string(g, "Data type");
}

char *props_node_name(call_ctx *c, const char *id, const cJSON *node, err *e)
{
    const char *name = props_string(node, "Name");
    if (name) {
        char *s = strdup(name);
        if (!s)
            err_set(e, ERR_INTERNAL, "out of memory");
        return s;
    }
    buf t;
    buf_init(&t, 4096);
    cJSON *names = NULL;
    char *s = NULL;
    if (buf_puts(&t, "/slicer/mrml/names") != 0 || call_query_add(&t, "id", id) != 0)
        err_set(e, ERR_INTERNAL, "out of memory");
    else if (call_slicer_json(c, "GET", t.data, &names, e) == 0) {
        const cJSON *n = cJSON_GetArrayItem(names, 0);
        if (!cJSON_IsString(n) || cJSON_GetArraySize(names) != 1)
            err_set(e, ERR_UPSTREAM, "Slicer's /mrml/names gave no name for %.200s", id);
        else if (!(s = strdup(n->valuestring)))
            err_set(e, ERR_INTERNAL, "out of memory");
    }
    cJSON_Delete(names);
    buf_free(&t);
    return s;
}
