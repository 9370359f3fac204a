/* End-to-end: the exec policy and the endpoint guard at call time,
 * Slicer's faults, the audit log (including after kill -9), PHI
 * redaction, hot reload, cancellation and progress, all through the real
 * binary against slicer-sim. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }


static int tool_listed(t_mcp *m, const char *name)
{
    cJSON *r = t_mcp_request(m, "tools/list", "{}", 5000);
    const cJSON *t;
    int found = 0, n = 0;
    cJSON_ArrayForEach(t, get(get(r, "result"), "tools")) {
        n++;
        if (name && !strcmp(get(t, "name")->valuestring, name))
            found = 1;
    }
    cJSON_Delete(r);
    return name ? found : n;
}

static void test_exec_with_policy(void)
{
    e2e x;
    const char *sim[] = { "--enable-exec", NULL };
    const char *mcp[] = { "--allow-exec", NULL };
    T_ASSERT(e2e_start(&x, sim, mcp) == 0, "start");
    T_CHECK(tool_listed(x.mcp, "execute_python_code"), "listed with --allow-exec");
    cJSON *r = t_mcp_call(x.mcp, "execute_python_code", "{\"code\":\"x = 1 + 1\"}", 5000);
    T_CHECK(!t_mcp_is_error(r), "exec ran: %s", t_mcp_text(r));
    T_CHECK(e2e_log_count(&x, "POST", "/slicer/exec") == 1, "POST /slicer/exec reached Slicer");
    char *log = t_sim_log_text(x.sim);
    T_CHECK(log && strstr(log, "x = 1 + 1"), "the stand-in received the code");
    free(log);
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_exec_flag_but_slicer_exec_off(void)
{
    e2e x;
    const char *mcp[] = { "--allow-exec", NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    cJSON *r = t_mcp_call(x.mcp, "execute_python_code", "{\"code\":\"1\"}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "unknown command"),
            "Slicer's own message is carried: %s", t_mcp_text(r));
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* A tools folder: the shipped tools plus the fixture tools of extra. */
static const char *tools_copy(const char *name, const char *extra)
{
    static char dir[512];
    char cmd[2048];
    snprintf(dir, sizeof dir, "%s/%s", t_tmpdir(), name);
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s && cp tools.d/*.yaml %s/*.yaml %s/", dir, dir, extra, dir);
    return system(cmd) == 0 ? dir : NULL;
}

static void test_guard_at_call_time(void)
{
    const char *dir = tools_copy("guardtools", "tests/fixtures/tools/guarded");
    e2e x;
    const char *mcp[] = { "--tools-dir", dir, "--schemas-dir", "schemas", NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    cJSON *r = t_mcp_call(x.mcp, "delete_node", "{}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "clear_scene") && strstr(t_mcp_text(r), "clears the whole scene"),
            "DELETE without a selection refused, naming the policy: %s", t_mcp_text(r));
    T_CHECK(e2e_log_count(&x, "DELETE", "/slicer/mrml") == 0, "nothing reached Slicer");
    cJSON_Delete(r);
    r = t_mcp_call(x.mcp, "delete_node", "{\"node_id\":\"vtkMRMLLabelMapVolumeNode1\"}", 5000);
    T_CHECK(!t_mcp_is_error(r), "a selected node may be deleted: %s", t_mcp_text(r));
    T_CHECK(e2e_log_count(&x, "DELETE", "/slicer/mrml?id=vtkMRMLLabelMapVolumeNode1") == 1, "DELETE with id");
    cJSON_Delete(r);
    e2e_stop(&x);
    const char *mcp2[] = { "--tools-dir", dir, "--schemas-dir", "schemas", "--allow", "clear_scene", NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp2) == 0, "start with the policy");
    r = t_mcp_call(x.mcp, "delete_node", "{}", 5000);
    T_CHECK(!t_mcp_is_error(r) && e2e_log_count(&x, "DELETE", "/slicer/mrml") == 1, "allowed with --allow clear_scene");
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* One fault case: the call fails with msg_part, within bound_ms, and the
 * next call after clearing the fault works. */
static void fault_case(const char *fault, const char *tool, const char *args, const char *msg_part,
                       const char *const *extra_mcp)
{
    e2e x;
    const char *sim[] = { "--fault", fault, NULL };
    T_ASSERT(e2e_start(&x, sim, extra_mcp) == 0, "start");
    long t0 = t_now_ms();
    cJSON *r = t_mcp_call(x.mcp, tool, args, 10000);
    long took = t_now_ms() - t0;
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), msg_part), "%s: isError naming '%s': %s", fault, msg_part,
            t_mcp_text(r));
    T_CHECK(took < t_mcp_bound(2500), "%s: answered in %ld ms", fault, took);
    cJSON_Delete(r);
    t_resp resp;
    char url[128];
    snprintf(url, sizeof url, "%s/__sim/fault?clear=1", t_sim_url(x.sim));
    t_http("POST", url, NULL, 0, 2000, &resp);
    t_resp_free(&resp);
    r = t_mcp_call(x.mcp, "get_slicer_info", "{}", 5000);
    T_CHECK(!t_mcp_is_error(r), "%s: the next call works: %s", fault, t_mcp_text(r));
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_slicer_faults(void)
{
    const char *quick[] = { "--timeout-ms", "800", NULL };
    fault_case("/slicer/system=500:the scene is locked", "get_slicer_info", "{}", "the scene is locked", NULL);
    fault_case("/slicer/system=hang", "get_slicer_info", "{}", "timed out after", quick);
    fault_case("/slicer/system=delay:3000", "get_slicer_info", "{}", "timed out after", quick);
    fault_case("/slicer/system=close", "get_slicer_info", "{}", "without answering", NULL);
    fault_case("/slicer/system=404", "get_slicer_info", "{}", "empty answer (404)", NULL);
    fault_case("/slicer/system=garbage", "get_slicer_info", "{}", "not JSON", NULL);
    fault_case("/slicer/slice=truncate", "get_slice_png", "{\"view\":\"red\"}", "cut short", NULL);
    fault_case("/slicer/slice=garbage", "get_slice_png", "{\"view\":\"red\"}", "png", NULL);
    const char *small[] = { "--max-response-bytes", "100000", NULL };
    fault_case("/slicer/slice=oversize:300000", "get_slice_png", "{\"view\":\"red\"}", "larger than", small);
    /* Issue 16: an answer to parse has its own cap, far below the 256 MiB
     * default of --max-response-bytes (one node's properties are kB). */
    fault_case("/slicer/mrml/properties=oversize:40000000", "get_node_properties",
               "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", "33554432-byte limit for a JSON answer", NULL);
}

static void test_single_quoted_answer(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/gui=single-quote", NULL };
    T_ASSERT(e2e_start(&x, sim, NULL) == 0, "start");
    cJSON *r = t_mcp_call(x.mcp, "set_layout", "{\"layout\":\"FourUp\"}", 5000);
    const cJSON *st = get(e2e_structured(r), "status");
    T_CHECK(!t_mcp_is_error(r) && cJSON_IsString(st) && !strcmp(st->valuestring, "success"),
            "Slicer's {'status': 'success'} is understood: %s", t_mcp_text(r));
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_slicer_down(void)
{
    const char *args[] = { "--slicer-url", "http://127.0.0.1:9", "--tools-dir", "tools.d", NULL };
    t_mcp *m = t_mcp_start(args);
    t_mcp_handshake(m, "2025-11-25");
    long t0 = t_now_ms();
    cJSON *r = t_mcp_call(m, "list_volumes", "{}", 5000);
    T_CHECK(t_mcp_is_error(r) && strstr(t_mcp_text(r), "connection refused") && strstr(t_mcp_text(r), "Web Server"),
            "a message a model can act on: %s", t_mcp_text(r));
    T_CHECK(t_now_ms() - t0 < t_mcp_bound(2000), "fast");
    cJSON_Delete(r);
    t_mcp_free(m);
}

static cJSON *read_audit(const char *path, int *lines, int *bad)
{
    char *text = t_read_file(path, NULL);
    cJSON *arr = cJSON_CreateArray();
    *lines = *bad = 0;
    for (char *l = text ? strtok(text, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        (*lines)++;
        cJSON *j = cJSON_Parse(l);
        if (j)
            cJSON_AddItemToArray(arr, j);
        else
            (*bad)++;
    }
    free(text);
    return arr;
}

/* Starts slicer-sim (with sim's options) and a gateway writing its audit
 * log to name in the test's folder, whose path goes to path. */
static int start_audited(e2e *x, const char *const *sim, const char *name, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", t_tmpdir(), name);
    const char *mcp[] = { "--audit-log", path, NULL };
    return e2e_start(x, sim, mcp);
}

static void test_audit_log(void)
{
    char path[512];
    e2e x;
    T_ASSERT(start_audited(&x, NULL, "audit/deep/audit.jsonl", path, sizeof path) == 0, "start");
    cJSON_Delete(t_mcp_call(x.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000));
    cJSON_Delete(t_mcp_call(x.mcp, "get_slice_png", "{\"view\":\"teal\"}", 5000));
    cJSON_Delete(t_mcp_call(x.mcp, "execute_python_code", "{\"code\":\"1\"}", 5000));
    /* A refused call's arguments are recorded whatever their type. */
    cJSON_Delete(t_mcp_call(x.mcp, "no_such_tool", "[1,\"a\",{\"k\":0.5}]", 5000));
    /* Arguments past the 1 MiB line cap go; the line stays whole. */
    size_t big = 1536 * 1024;
    char *huge = malloc(big + 16);
    T_ASSERT(huge != NULL, "memory");
    memcpy(huge, "{\"name\":\"", 9);
    memset(huge + 9, 'a', big);
    memcpy(huge + 9 + big, "\"}", 3);
    cJSON_Delete(t_mcp_call(x.mcp, "list_nodes", huge, 5000));
    free(huge);
    struct stat st;
    T_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "created 0600 (%o)", st.st_mode & 0777);
    int lines, bad;
    cJSON *recs = read_audit(path, &lines, &bad);
    T_CHECK(lines == 5 && bad == 0, "one complete line per call (%d lines, %d bad)", lines, bad);
    const cJSON *ok = cJSON_GetArrayItem(recs, 0);
    T_CHECK(!strcmp(get(ok, "tool")->valuestring, "get_volume_info") && !strcmp(get(ok, "outcome")->valuestring, "ok") &&
            !strcmp(get(ok, "transport")->valuestring, "stdio") && !strcmp(get(ok, "client")->valuestring, "e2e") &&
            cJSON_IsString(get(ok, "time")) && cJSON_IsNumber(get(ok, "latency_ms")) &&
            cJSON_GetNumberValue(get(ok, "bytes_returned")) > 100 &&
            !strcmp(get(get(ok, "arguments"), "node_id")->valuestring, "vtkMRMLScalarVolumeNode1"), "fields of an ok call");
    const cJSON *call = cJSON_GetArrayItem(get(ok, "slicer_calls"), 0);
    T_CHECK(call && !strcmp(get(call, "method")->valuestring, "GET") &&
            strstr(get(call, "target")->valuestring, "/slicer/mrml/properties") &&
            cJSON_GetNumberValue(get(call, "status")) == 200, "the REST call with method, path and status");
    double ms = cJSON_GetNumberValue(get(call, "ms")), lat = cJSON_GetNumberValue(get(ok, "latency_ms"));
    double first = cJSON_GetNumberValue(get(call, "first_byte_ms"));
    T_CHECK(first > 0 && first <= ms + 0.01, "time to the first byte %.3f within the call's %.3f ms", first, ms);
    T_CHECK(ms > 0 && lat >= ms && fabs(ms * 1e3 - round(ms * 1e3)) < 1e-6 &&
            fabs(lat * 1e3 - round(lat * 1e3)) < 1e-6, "times in ms to the microsecond (%.17g, %.17g)", ms, lat);
    /* Arguments off the schema and an unknown tool are the client's
     * mistakes (invalid); a policy that is off is a refusal. */
    static const char *const reasons[] = { "must be one of", "--allow-exec", "Unknown tool" };
    static const char *const outcomes[] = { "invalid", "refused", "invalid" };
    for (int i = 1; i < 4; i++) {
        const cJSON *rf = cJSON_GetArrayItem(recs, i);
        T_CHECK(rf && !strcmp(get(rf, "outcome")->valuestring, outcomes[i - 1]) &&
                strstr(get(rf, "reason")->valuestring, reasons[i - 1]) &&
                cJSON_GetArraySize(get(rf, "slicer_calls")) == 0, "refusal %d logged with its reason", i);
    }
    const cJSON *arr = get(cJSON_GetArrayItem(recs, 3), "arguments");
    T_CHECK(cJSON_IsArray(arr) && cJSON_GetArraySize(arr) == 3 &&
            cJSON_GetNumberValue(get(cJSON_GetArrayItem(arr, 2), "k")) == 0.5, "array arguments kept as an array");
    const cJSON *cut = cJSON_GetArrayItem(recs, 4);
    T_CHECK(cut && st.st_size < (1 << 20) + 4096 && !strcmp(get(cut, "tool")->valuestring, "list_nodes") &&
            !strcmp(get(cut, "outcome")->valuestring, "invalid") &&
            strstr(get(cut, "reason")->valuestring, "at most 256") &&
            cJSON_IsString(get(get(cut, "arguments"), "name")) &&
            strstr(get(get(cut, "arguments"), "name")->valuestring, " bytes, sha256 "),
            "an oversized argument keeps the record's facts and becomes its length and digest (%lld bytes)",
            (long long)st.st_size);
    cJSON_Delete(recs);
    e2e_stop(&x);
}

/* A get_markups page makes one REST call per markups node: the audit line
 * lists every one of them (it stopped at 16), counted here from the
 * stand-in's own request log. */
static void test_audit_lists_every_call(void)
{
    char path[512];
    e2e x;
    T_ASSERT(start_audited(&x, NULL, "audit-many.jsonl", path, sizeof path) == 0, "start");
    for (int i = 0; i < 24; i++) {
        char args[160];
        snprintf(args, sizeof args, "{\"type\":\"point_list\",\"points\":[{\"r\":%d,\"a\":0,\"s\":0}]}", i);
        cJSON *r = t_mcp_call(x.mcp, "place_markups", args, 5000);
        T_CHECK(!t_mcp_is_error(r), "placed %d: %s", i, t_mcp_text(r));
        cJSON_Delete(r);
    }
    char *before = t_sim_log_text(x.sim);
    cJSON *r = t_mcp_call(x.mcp, "get_markups", "{}", 10000);
    T_CHECK(!t_mcp_is_error(r), "get_markups: %s", t_mcp_text(r));
    cJSON_Delete(r);
    char *after = t_sim_log_text(x.sim);
    T_ASSERT(before && after, "request log");
    int seen = t_count(after + strlen(before), "\n");
    int lines, bad;
    cJSON *recs = read_audit(path, &lines, &bad);
    const cJSON *last = cJSON_GetArrayItem(recs, lines - 1);
    int listed = cJSON_GetArraySize(get(last, "slicer_calls"));
    T_CHECK(last && !strcmp(get(last, "tool")->valuestring, "get_markups") && seen > 24 && listed == seen &&
            !get(last, "slicer_calls_unlisted"), "the audit line lists all %d REST calls Slicer saw (%d listed)",
            seen, listed);
    cJSON_Delete(recs);
    free(before);
    free(after);
    e2e_stop(&x);
}

/* Time to the first byte is Slicer's own work: a Slicer that thinks for
 * 300 ms shows it there, and the rest of the call is short. */
static void test_audit_first_byte(void)
{
    char path[512];
    e2e x;
    const char *sim[] = { "--fault", "/slicer/mrml=delay:300", NULL };
    T_ASSERT(start_audited(&x, sim, "audit-first.jsonl", path, sizeof path) == 0, "start");
    cJSON_Delete(t_mcp_call(x.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000));
    int lines, bad;
    cJSON *recs = read_audit(path, &lines, &bad);
    const cJSON *call = cJSON_GetArrayItem(get(cJSON_GetArrayItem(recs, 0), "slicer_calls"), 0);
    double ms = cJSON_GetNumberValue(get(call, "ms")), first = cJSON_GetNumberValue(get(call, "first_byte_ms"));
    T_CHECK(lines == 1 && first >= 300 && ms - first >= 0 && ms - first < 200,
            "first byte after %.3f ms of a %.3f ms call", first, ms);
    cJSON_Delete(recs);
    e2e_stop(&x);
}

static void test_audit_survives_kill9(void)
{
    char path[512];
    e2e x;
    T_ASSERT(start_audited(&x, NULL, "audit-kill.jsonl", path, sizeof path) == 0, "start");
    /* A burst of 200 calls written at once; kill -9 part-way through. */
    for (int i = 0; i < 200; i++) {
        char line[200];
        snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                 "{\"name\":\"list_nodes\",\"arguments\":{\"name\":\"MRHead\"}}}", 1000 + i);
        t_mcp_send(x.mcp, line);
    }
    int answered = 0;
    cJSON *r;
    while (answered < 60 && (r = t_mcp_recv(x.mcp, 5000)) != NULL) {
        answered++;
        cJSON_Delete(r);
    }
    kill(t_mcp_pid(x.mcp), SIGKILL);
    t_mcp_kill(x.mcp);
    int lines, bad;
    cJSON *recs = read_audit(path, &lines, &bad);
    T_CHECK(bad == 0, "no torn line after kill -9 (%d bad of %d)", bad, lines);
    T_CHECK(lines >= answered && lines <= answered + 2 + 200, "every answered call is logged (%d lines, %d answered)",
            lines, answered);
    int sim_calls = e2e_log_count(&x, "GET", "/slicer/mrml/ids");
    T_CHECK(lines >= sim_calls - 1, "every call that reached Slicer is logged but at most the one in flight "
            "(%d lines, %d reached Slicer)", lines, sim_calls);
    cJSON_Delete(recs);
    e2e_stop(&x);
}

static void test_redaction(void)
{
    char rules[512], audit_path[512];
    snprintf(rules, sizeof rules, "%s/rules.yaml", t_tmpdir());
    snprintf(audit_path, sizeof audit_path, "%s/audit-redact.jsonl", t_tmpdir());
    const char *y = "rules:\n"
                    "  - name: app\n    keys: [applicationName]\n"
                    "  - name: head\n    pattern: \"MRHe[a-z]+\"\n";
    t_write_file(rules, y, strlen(y));
    e2e x;
    const char *mcp[] = { "--redact", rules, "--audit-log", audit_path, NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    cJSON *r = t_mcp_call(x.mcp, "get_slicer_info", "{}", 5000);
    const cJSON *an = get(e2e_structured(r), "applicationName");
    T_CHECK(cJSON_IsString(an) && !strcmp(an->valuestring, "[REDACTED:app]"), "key rule on structuredContent");
    T_CHECK(strstr(t_mcp_text(r), "[REDACTED:app]") && !strstr(t_mcp_text(r), "\"applicationName\":\"Slicer\""),
            "and on the text rendering: %s", t_mcp_text(r));
    cJSON_Delete(r);
    r = t_mcp_call(x.mcp, "list_nodes", "{\"name\":\"MRHead\"}", 5000);
    T_CHECK(!strstr(t_mcp_text(r), "MRHead") && strstr(t_mcp_text(r), "[REDACTED:head]"), "pattern rule: %s", t_mcp_text(r));
    cJSON_Delete(r);
    char *log = t_read_file(audit_path, NULL);
    T_CHECK(log && !strstr(log, "MRHead") && strstr(log, "[REDACTED:head]"), "the audit log is redacted too");
    free(log);
    e2e_stop(&x);
    snprintf(rules, sizeof rules, "%s/badrules.yaml", t_tmpdir());
    y = "rules:\n  - name: x\n    pattern: \"(unclosed\"\n";
    t_write_file(rules, y, strlen(y));
    const char *bad[] = { "--redact", rules, NULL };
    t_sim *s = t_sim_start(NULL);
    const char *args[] = { "--slicer-url", t_sim_url(s), "--redact", rules, NULL };
    (void)bad;
    t_mcp *m = t_mcp_start(args);
    int st = t_mcp_close(m, 3000);
    T_CHECK(st == 2, "bad rules refuse to start (exit %d)", st);
    char *err = t_read_file(t_mcp_stderr_path(m), NULL);
    T_CHECK(err && strstr(err, "badrules.yaml:3:"), "with file:line: %s", err ? err : "");
    free(err);
    t_mcp_free(m);
    t_sim_stop(s);
}

static int wait_note(t_mcp *m, const char *method, int timeout_ms, cJSON **out)
{
    long end = t_now_ms() + timeout_ms;
    while (t_now_ms() < end) {
        cJSON *j = t_mcp_recv(m, (int)(end - t_now_ms()));
        if (!j)
            break;
        const cJSON *meth = get(j, "method");
        if (cJSON_IsString(meth) && !strcmp(meth->valuestring, method)) {
            if (out)
                *out = j;
            else
                cJSON_Delete(j);
            return 1;
        }
        cJSON_Delete(j);
    }
    return 0;
}

static void test_reload(void)
{
    char dir[512], cmd[2048];
    snprintf(dir, sizeof dir, "%s/reload", t_tmpdir());
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s && cp tools.d/get_slicer_info.yaml tools.d/list_nodes.yaml %s/",
             dir, dir, dir);
    T_ASSERT(system(cmd) == 0, "copy");
    e2e x;
    const char *mcp[] = { "--tools-dir", dir, "--schemas-dir", "schemas", NULL };
    T_ASSERT(e2e_start(&x, NULL, mcp) == 0, "start");
    T_CHECK(tool_listed(x.mcp, NULL) == 2, "two tools");
    /* A new valid file: picked up by the watcher. */
    snprintf(cmd, sizeof cmd, "cp tools.d/get_volume_info.yaml %s/", dir);
    T_ASSERT(system(cmd) == 0, "add a tool");
    T_CHECK(wait_note(x.mcp, "notifications/tools/list_changed", 3000, NULL), "list_changed after a valid change");
    T_CHECK(tool_listed(x.mcp, NULL) == 3, "three tools now");
    /* An invalid file and SIGHUP: refused, the old set keeps serving. */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/broken.yaml", dir);
    t_write_file(bad, "name: [unclosed\n", 16);
    kill(t_mcp_pid(x.mcp), SIGHUP);
    cJSON *note = NULL;
    T_CHECK(wait_note(x.mcp, "notifications/message", 3000, &note), "an error message for the invalid set");
    const cJSON *d = get(get(note, "params"), "data");
    T_CHECK(note && !strcmp(get(get(note, "params"), "level")->valuestring, "error") &&
            strstr(get(d, "problems")->valuestring, "broken.yaml:2:1: did not find expected"), "naming the file and line");
    cJSON_Delete(note);
    T_CHECK(!wait_note(x.mcp, "notifications/tools/list_changed", 500, NULL), "no list_changed for the invalid set");
    T_CHECK(tool_listed(x.mcp, NULL) == 3, "the old set keeps serving");
    cJSON *r = t_mcp_call(x.mcp, "get_volume_info", "{\"node_id\":\"vtkMRMLScalarVolumeNode1\"}", 5000);
    T_CHECK(!t_mcp_is_error(r), "and its tools work");
    cJSON_Delete(r);
    e2e_stop(&x);
}

/* Whether any message seen so far (outside a request's own answer) was an
 * answer with this id. */
static int answered(t_mcp *m, int id)
{
    const cJSON *n;
    cJSON_ArrayForEach(n, t_mcp_notes(m))
        if (cJSON_IsNumber(get(n, "id")) && get(n, "id")->valueint == id)
            return 1;
    return 0;
}

static void test_cancellation(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/system=hang", NULL };
    const char *mcp[] = { "--timeout-ms", "20000", NULL };
    T_ASSERT(e2e_start(&x, sim, mcp) == 0, "start");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"tools/call\",\"params\":{\"name\":\"get_slicer_info\",\"arguments\":{}}}");
    struct timespec ts = { 0, 200 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":77,\"reason\":\"user\"}}");
    long t0 = t_now_ms();
    cJSON *r = t_mcp_request(x.mcp, "ping", NULL, 3000);
    T_CHECK(r && get(r, "result") && t_now_ms() - t0 < t_mcp_bound(1500), "the gateway is free again at once (%ld ms)", t_now_ms() - t0);
    cJSON_Delete(r);
    T_CHECK(!answered(x.mcp, 77), "no answer to the cancelled request");
    e2e_stop(&x);
}

/* A cancel sent in the same write as a quick call stops it: the gateway
 * asks about cancels at a call's first tick, before its once-a-millisecond
 * pace, so even a sub-millisecond call sees it. */
static void test_cancellation_pipelined(void)
{
    char path[512];
    e2e x;
    T_ASSERT(start_audited(&x, NULL, "audit-cancel.jsonl", path, sizeof path) == 0, "start");
    /* Warm, the call takes well under a millisecond: only the first
     * tick's look can see the cancel. */
    for (int i = 0; i < 20; i++)
        cJSON_Delete(t_mcp_call(x.mcp, "get_slicer_info", "{}", 5000));
    static const char both[] =
        "{\"jsonrpc\":\"2.0\",\"id\":78,\"method\":\"tools/call\",\"params\":{\"name\":\"get_slicer_info\",\"arguments\":{}}}\n"
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":78}}\n";
    T_ASSERT(t_mcp_send_raw(x.mcp, both, sizeof both - 1) == 0, "send");
    cJSON *r = t_mcp_request(x.mcp, "ping", NULL, 3000);
    T_CHECK(r && get(r, "result"), "the ping after it is answered");
    cJSON_Delete(r);
    T_CHECK(!answered(x.mcp, 78), "no answer to the call cancelled right behind it");
    int lines, bad;
    cJSON *recs = read_audit(path, &lines, &bad);
    const cJSON *rec = cJSON_GetArrayItem(recs, 20);
    T_CHECK(lines == 21 && cJSON_IsString(get(rec, "outcome")) &&
            !strcmp(get(rec, "outcome")->valuestring, "cancelled"),
            "audited as cancelled (%d lines)", lines);
    cJSON_Delete(recs);
    e2e_stop(&x);
}

static void test_progress(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/system=delay:900", NULL };
    T_ASSERT(e2e_start(&x, sim, NULL) == 0, "start");
    cJSON *r = t_mcp_request(x.mcp, "tools/call", "{\"name\":\"get_slicer_info\",\"arguments\":{},"
                             "\"_meta\":{\"progressToken\":\"tok-1\"}}", 5000);
    T_CHECK(r && !t_mcp_is_error(r), "the call completes");
    int progress = 0;
    double last = 0;
    const cJSON *n;
    cJSON_ArrayForEach(n, t_mcp_notes(x.mcp)) {
        if (strcmp(get(n, "method")->valuestring, "notifications/progress"))
            continue;
        const cJSON *p = get(n, "params");
        T_CHECK(!strcmp(get(p, "progressToken")->valuestring, "tok-1"), "token echoed");
        T_CHECK(cJSON_GetNumberValue(get(p, "progress")) > last, "progress increases");
        last = cJSON_GetNumberValue(get(p, "progress"));
        progress++;
    }
    T_CHECK(progress >= 1, "progress notifications before the result (%d)", progress);
    cJSON_Delete(r);
    e2e_stop(&x);
}

static void test_stdin_closed_during_call(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/system=delay:500", NULL };
    T_ASSERT(e2e_start(&x, sim, NULL) == 0, "start");
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"get_slicer_info\",\"arguments\":{}}}");
    int st = t_mcp_close(x.mcp, 5000);
    T_CHECK(st == 0, "exits cleanly after finishing the call (status %d)", st);
    e2e_stop(&x);
}

static void test_sigterm_exits_cleanly(void)
{
    e2e x;
    T_ASSERT(e2e_start(&x, NULL, NULL) == 0, "start");
    kill(t_mcp_pid(x.mcp), SIGTERM);
    long t0 = t_now_ms();
    /* stdin stays open: closing it would also make the gateway exit, and
     * under valgrind that end-of-file could come first. */
    int st = t_mcp_wait(x.mcp, 3000);
    T_CHECK(st == 0 && t_now_ms() - t0 < t_mcp_bound(1500), "SIGTERM: exit 0 at once (status %d, %ld ms)", st, t_now_ms() - t0);
    char *err = t_read_file(t_mcp_stderr_path(x.mcp), NULL);
    T_CHECK(err && strstr(err, "stopping on a signal"), "says why it stopped");
    free(err);
    e2e_stop(&x);
}

/* stderr until it holds needle, waiting up to ms; NULL otherwise. */
static char *stderr_with(const t_mcp *m, const char *needle, long ms)
{
    long end = t_now_ms() + t_mcp_bound(ms);
    for (;;) {
        char *err = t_read_file(t_mcp_stderr_path(m), NULL);
        if (err && strstr(err, needle))
            return err;
        free(err);
        if (t_now_ms() > end)
            return NULL;
        t_sleep_ms(10);
    }
}

/* One info line per call, written once its answer is out: outcome, REST
 * calls and the reason of a failure, in call order. */
static void test_call_log_lines(void)
{
    e2e x;
    const char *sim[] = { "--fault", "/slicer/mrml/names=500:the scene is locked", NULL };
    T_ASSERT(e2e_start(&x, sim, NULL) == 0, "start");
    /* The start line counts the tools clients get, not those behind a
     * policy that is off (it said 14 while 13 were offered). */
    cJSON *r = t_mcp_request(x.mcp, "tools/list", NULL, 5000);
    char serving[96];
    snprintf(serving, sizeof serving, "serving %d tools over stdio (",
             cJSON_GetArraySize(get(get(r, "result"), "tools")));
    cJSON_Delete(r);
    char *start = stderr_with(x.mcp, serving, 2000);
    T_CHECK(start, "the start line says '%s'", serving);
    free(start);
    r = t_mcp_call(x.mcp, "get_slicer_info", "{}", 5000);
    T_CHECK(r && !t_mcp_is_error(r), "get_slicer_info works");
    cJSON_Delete(r);
    r = t_mcp_call(x.mcp, "list_nodes", "{}", 5000);
    T_CHECK(t_mcp_is_error(r), "list_nodes fails on its second REST call");
    cJSON_Delete(r);
    static const char ok[] = "slicer-mcp info: tools/call get_slicer_info: ok (1 REST call, ",
                      bad[] = "slicer-mcp info: tools/call list_nodes: tool_error (2 REST calls, ";
    char *err = stderr_with(x.mcp, bad, 2000);
    T_CHECK(err, "the failed call's line is written");
    const char *a = err ? strstr(err, ok) : NULL, *b = err ? strstr(err, bad) : NULL;
    T_CHECK(a && b && a < b, "both lines, in call order");
    const char *eol = b ? strchr(b, '\n') : NULL;
    char one[4096] = "";
    if (eol)
        snprintf(one, sizeof one, "%.*s", (int)(eol - b), b);
    T_CHECK(strstr(one, ": the scene is locked"), "with the reason, on one line: %s", one);
    T_CHECK(err && t_count(err, "tools/call get_slicer_info: ") == 1 && t_count(err, "tools/call list_nodes: ") == 1,
            "one line per call");
    free(err);
    /* Two calls in one write: both lines, after both answers. */
    t_mcp_send(x.mcp, "{\"jsonrpc\":\"2.0\",\"id\":71,\"method\":\"tools/call\",\"params\":{\"name\":"
               "\"get_slicer_info\",\"arguments\":{}}}\n{\"jsonrpc\":\"2.0\",\"id\":72,\"method\":"
               "\"tools/call\",\"params\":{\"name\":\"list_volumes\",\"arguments\":{}}}");
    int got = 0;
    for (int i = 0; i < 2; i++) {
        cJSON *a2 = t_mcp_recv(x.mcp, 5000);
        const cJSON *id = get(a2, "id");
        got += cJSON_IsNumber(id) && id->valueint == 71 + i && get(a2, "result");
        cJSON_Delete(a2);
    }
    T_CHECK(got == 2, "both pipelined calls answered, in order");
    err = stderr_with(x.mcp, "tools/call list_volumes: ok", 2000);
    T_CHECK(err && t_count(err, "tools/call get_slicer_info: ok") == 2, "both pipelined calls logged");
    free(err);
    e2e_stop(&x);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    t_run("exec_with_policy", test_exec_with_policy);
    t_run("exec_flag_but_slicer_exec_off", test_exec_flag_but_slicer_exec_off);
    t_run("guard_at_call_time", test_guard_at_call_time);
    t_run("slicer_faults", test_slicer_faults);
    t_run("slicer_single_quoted_answer", test_single_quoted_answer);
    t_run("slicer_down", test_slicer_down);
    t_run("audit_log", test_audit_log);
    t_run("audit_lists_every_call", test_audit_lists_every_call);
    t_run("audit_first_byte", test_audit_first_byte);
    t_run("audit_survives_kill9", test_audit_survives_kill9);
    t_run("redaction", test_redaction);
    t_run("reload", test_reload);
    t_run("cancellation", test_cancellation);
    t_run("cancellation_pipelined", test_cancellation_pipelined);
    t_run("progress", test_progress);
    t_run("stdin_closed_during_call", test_stdin_closed_during_call);
    t_run("sigterm_exits_cleanly", test_sigterm_exits_cleanly);
    t_run("call_log_lines", test_call_log_lines);
    return t_done();
}
