/* sim_log: one JSON line per request, written and flushed at once. */
#include "sim_log.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

static FILE *g_log;

int sim_log_open(const char *path)
{
    if (!path)
        return 0;
    g_log = fopen(path, "w");
    return g_log ? 0 : -1;
}

void sim_log_write(const sim_log_entry *e)
{
    if (!g_log)
        return;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    cJSON_AddStringToObject(o, "method", e->method ? e->method : "");
    cJSON_AddStringToObject(o, "target", e->target ? e->target : "");
    cJSON_AddNumberToObject(o, "status", e->status);
    cJSON_AddNumberToObject(o, "bytes", (double)e->bytes);
    cJSON_AddNumberToObject(o, "body_bytes", (double)e->body_bytes);
    if (e->code)
        cJSON_AddStringToObject(o, "code", e->code);
    if (e->fault)
        cJSON_AddStringToObject(o, "fault", e->fault);
    if (e->control)
        cJSON_AddTrueToObject(o, "control");
    char *s = cJSON_PrintUnformatted(o);
    if (s) {
        fprintf(g_log, "%s\n", s);
        fflush(g_log);
        free(s);
    }
    cJSON_Delete(o);
}

void sim_log_close(void)
{
    if (g_log)
        fclose(g_log);
    g_log = NULL;
}
