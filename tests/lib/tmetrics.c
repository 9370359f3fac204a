/* tmetrics: a /metrics page against the audit log. */
#include "tmetrics.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double t_metric(const char *page, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = page; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, series, n) && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

/* The sum of every sample of family name (lines "name{...} v"). */
static double family_sum(const char *page, const char *name)
{
    size_t n = strlen(name);
    double sum = 0;
    for (const char *p = page; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, name, n) && p[n] == '{') {
            const char *sp = strstr(p, "} ");
            if (sp)
                sum += strtod(sp + 2, NULL);
        }
    return sum;
}

typedef struct {
    char label[80], outcome[32];
    int count;
} tally;

#define MAX_TALLIES 256

static void expect(const char *page, const char *series, double want, int *bad, char *why, size_t n)
{
    double got = t_metric(page, series);
    if (got == want)
        return;
    (*bad)++;
    size_t used = strlen(why);
    if (used + 1 < n)
        snprintf(why + used, n - used, "%s is %g, the audit log says %g; ", series, got, want);
}

int t_metrics_match_audit(const char *page, const char *audit, const char *unknown_tool, char *why, size_t n)
{
    tally t[MAX_TALLIES];
    int nt = 0, calls = 0, auth = 0, scope = 0, guard = 0, rest = 0, bad = 0;
    why[0] = '\0';
    for (const char *line = audit; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        cJSON *j = cJSON_ParseWithLength(line, len);
        line = end ? end + 1 : NULL;
        const cJSON *tool = cJSON_GetObjectItemCaseSensitive(j, "tool");
        const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(j, "outcome");
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(j, "reason");
        if (!cJSON_IsString(tool) || !cJSON_IsString(outcome)) {
            cJSON_Delete(j);
            continue;
        }
        rest += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "slicer_calls"));
        /* A token naming another subject's session is turned away before
         * any call (http_oauth_foreign_session): an auth refusal. */
        int foreign = !strcmp(outcome->valuestring, "refused") && cJSON_IsString(reason) &&
                      !strncmp(reason->valuestring, "session_owner:", 14);
        if (foreign || !strcmp(outcome->valuestring, "unauthorized")) {
            auth++;
            cJSON_Delete(j);
            continue;
        }
        calls++;
        if (!strcmp(outcome->valuestring, "refused")) {
            if (cJSON_IsString(reason) && strstr(reason->valuestring, "insufficient_scope"))
                scope++;
            else
                guard++;
        }
        const char *label = !tool->valuestring[0] || !strcmp(tool->valuestring, unknown_tool)
                            ? "(unknown)" : tool->valuestring;
        int i;
        for (i = 0; i < nt; i++)
            if (!strcmp(t[i].label, label) && !strcmp(t[i].outcome, outcome->valuestring))
                break;
        if (i == nt && nt < MAX_TALLIES) {
            snprintf(t[i].label, sizeof t[i].label, "%s", label);
            snprintf(t[i].outcome, sizeof t[i].outcome, "%s", outcome->valuestring);
            t[i].count = 0;
            nt++;
        }
        if (i < nt)
            t[i].count++;
        cJSON_Delete(j);
    }
    char series[200];
    for (int i = 0; i < nt; i++) {
        snprintf(series, sizeof series, "slicer_mcp_tool_calls_total{tool=\"%.80s\",outcome=\"%.32s\"}", t[i].label,
                 t[i].outcome);
        expect(page, series, t[i].count, &bad, why, n);
    }
    if (family_sum(page, "slicer_mcp_tool_calls_total") != calls) {
        bad++;
        size_t used = strlen(why);
        snprintf(why + used, n - used, "the calls add up to %g, the audit log has %d call lines; ",
                 family_sum(page, "slicer_mcp_tool_calls_total"), calls);
    }
    expect(page, "slicer_mcp_refusals_total{reason=\"auth\"}", auth, &bad, why, n);
    expect(page, "slicer_mcp_refusals_total{reason=\"scope\"}", scope, &bad, why, n);
    expect(page, "slicer_mcp_refusals_total{reason=\"guard\"}", guard, &bad, why, n);
    expect(page, "slicer_mcp_slicer_request_duration_seconds_count", rest, &bad, why, n);
    return bad;
}
