/* props: numbers and matrices out of PrintSelf-shaped property objects. */
#include "slicer/props.h"

#include <stdlib.h>
#include <string.h>

int props_parse_numbers(const char *text, double *out, int n)
{
    const char *p = text;
    int got = 0;
    while (*p && got < n) {
        while (*p && strchr(" \t,()[]=", *p))
            p++;
        if (!*p)
            break;
        char *end;
        double v = strtod(p, &end);
        if (end == p)
            return -1;
        out[got++] = v;
        p = end;
    }
    while (*p && strchr(" \t,()[]", *p))
        p++;
    return got == n && !*p ? 0 : -1;
}

int props_numbers(const cJSON *obj, const char *key, double *out, int n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v))
        return props_parse_numbers(v->valuestring, out, n);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n)
        return -1;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        if (!cJSON_IsNumber(it))
            return -1;
        out[i++] = it->valuedouble;
    }
    return 0;
}

static int matrix_rows(const cJSON *group, double *out, int rows, int cols, int *got)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, group) {
        if (*got == rows)
            return 0;
        if (it->string && strcmp(it->string, "Elements") == 0 && cJSON_IsObject(it)) {
            matrix_rows(it, out, rows, cols, got);
            continue;
        }
        const char *text = cJSON_IsString(it) ? it->valuestring : it->string;
        if (text && props_parse_numbers(text, out + *got * cols, cols) == 0)
            (*got)++;
    }
    return *got == rows ? 0 : -1;
}

int props_matrix(const cJSON *obj, const char *key, double *out, int rows, int cols)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(obj, key);
    int got = 0;
    if (cJSON_IsArray(g) && cJSON_GetArraySize(g) == rows * cols) {
        const cJSON *it;
        cJSON_ArrayForEach(it, g) {
            if (!cJSON_IsNumber(it))
                return -1;
            out[got++] = it->valuedouble;
        }
        return 0;
    }
    return cJSON_IsObject(g) ? matrix_rows(g, out, rows, cols, &got) : -1;
}

const char *props_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}
