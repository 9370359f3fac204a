/* test_sim_faults: every injected fault kind of slicer-sim, from the
 * command line and through the /__sim/fault control route, and that a
 * delayed answer does not hold up other connections. */
#include "testlib.h"
#include "sim_testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static t_sim *start_with(const char *fault)
{
    const char *a[] = { "--fault", fault, "--volume-size", "16", NULL };
    return t_sim_start(a);
}

static void test_delay(void)
{
    t_sim *s = start_with("/slicer/system=delay:400");
    T_ASSERT(s != NULL, "start");
    /* the delayed answer is pending while another request is served */
    int fd_closed;
    long t0 = su_now_ms();
    char *out = NULL;
    /* start the slow one without waiting for it: a raw request with a short timeout */
    t_raw(t_sim_port(s), "GET /slicer/system/version HTTP/1.1\r\n\r\n", 39, 0, 50, &out, &fd_closed);
    free(out);
    t_resp r;
    long t1 = su_now_ms();
    T_CHECK(su_get(s, "/slicer/mrml/ids?class=vtkMRMLSliceNode", &r) == 200, "other route");
    T_CHECK(su_now_ms() - t1 < 300, "not blocked by the delayed answer");
    t_resp_free(&r);
    t0 = su_now_ms();
    T_CHECK(su_get(s, "/slicer/system/version", &r) == 200 && strstr(r.body, "applicationName"),
            "normal answer after the delay");
    T_CHECK(su_now_ms() - t0 >= 380, "took %ld ms", su_now_ms() - t0);
    t_resp_free(&r);
    T_CHECK(su_log_has(s, "\"fault\":\"delay\""), "logged with fault");
    t_sim_stop(s);
}

static void test_hang(void)
{
    t_sim *s = start_with("/slicer/slice=hang");
    T_ASSERT(s != NULL, "start");
    int closed;
    char *out = su_raw(s, "GET /slicer/slice?view=red HTTP/1.1\r\n\r\n", 300, &closed);
    T_CHECK(out && out[0] == '\0' && !closed, "no answer, socket open");
    free(out);
    T_CHECK(su_log_has(s, "\"target\":\"/slicer/slice?view=red\",\"status\":0,\"bytes\":0,"
                          "\"body_bytes\":0,\"fault\":\"hang\""), "logged unanswered");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/mrml/ids?id=vtkMRMLSliceNodeRed", &r) == 200, "other routes fine");
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_close(void)
{
    t_sim *s = start_with("*=close");
    T_ASSERT(s != NULL, "start");
    int closed;
    char *out = su_raw(s, "GET /slicer/system/version HTTP/1.1\r\n\r\n", 2000, &closed);
    T_CHECK(out && out[0] == '\0' && closed, "closed without a byte");
    free(out);
    t_resp r;
    T_CHECK(su_get(s, "/__sim/state", &r) == 200, "control routes are never faulted");
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_500(void)
{
    t_sim *s = start_with("/slicer/mrml=500:boom here");
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/mrml/names", &r) == 500 &&
            strcmp(r.body, "{\"success\": false, \"message\": \"Server error: boom here\"}") == 0,
            "Slicer-style 500: %s", r.body);
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_truncate(void)
{
    t_sim *s = start_with("/slicer/system=truncate");
    T_ASSERT(s != NULL, "start");
    int closed;
    char *out = su_raw(s, "GET /slicer/system/version HTTP/1.1\r\n\r\n", 2000, &closed);
    T_ASSERT(out != NULL, "connect");
    const char *cl = strstr(out, "Content-Length: ");
    const char *body = strstr(out, "\r\n\r\n");
    T_ASSERT(cl && body, "headers");
    long n = atol(cl + 16);
    T_CHECK((long)strlen(body + 4) == n / 2 && closed, "half of %ld bytes then close", n);
    free(out);
    t_sim_stop(s);
}

static void test_content_type(void)
{
    t_sim *s = start_with("/slicer/slice=content-type:text/html");
    T_ASSERT(s != NULL, "start");
    t_resp r;
    int w, h;
    T_CHECK(su_get(s, "/slicer/slice", &r) == 200 && strcmp(r.content_type, "text/html") == 0 &&
            su_png_size(r.body, r.len, &w, &h), "PNG labelled text/html: %s", r.content_type);
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_garbage(void)
{
    t_sim *s = start_with("/slicer/mrml=garbage");
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/mrml/ids", &r) == 200 && strcmp(r.content_type, "application/json") == 0,
            "200 json");
    cJSON *j = cJSON_Parse(r.body);
    T_CHECK(j == NULL && r.len > 0, "body is not JSON");
    cJSON_Delete(j);
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_oversize(void)
{
    t_sim *s = start_with("/slicer/mrml=oversize:3000000");
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/mrml/ids", &r) == 200 && r.len == 3000000, "3000000 bytes: %zu", r.len);
    cJSON *j = cJSON_Parse(r.body);
    T_CHECK(cJSON_IsArray(j), "padded JSON stays JSON");
    cJSON_Delete(j);
    t_resp_free(&r);
    t_sim_stop(s);
}

static void test_single_quote_and_404(void)
{
    t_sim *s = start_with("/slicer/gui=single-quote");
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/gui?viewersLayout=FourUp", &r) == 200 &&
            strcmp(r.body, "{'status': 'success'}") == 0, "single quotes");
    t_resp_free(&r);
    t_sim_stop(s);
    s = start_with("/slicer/volumes=404");
    T_ASSERT(s != NULL, "start");
    int closed;
    char *out = su_raw(s, "GET /slicer/volumes HTTP/1.1\r\n\r\n", 2000, &closed);
    T_CHECK(out && strcmp(out, "HTTP/1.1 404 Not Found\r\n\r\n") == 0 && closed, "bare 404");
    free(out);
    t_sim_stop(s);
}

static void test_runtime_control(void)
{
    static const char *const a[] = { "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_call(s, "POST", "/__sim/fault?route=/slicer/slice&kind=hang", NULL, 0, &r) == 200, "set");
    t_resp_free(&r);
    int closed;
    char *out = su_raw(s, "GET /slicer/slice HTTP/1.1\r\n\r\n", 250, &closed);
    T_CHECK(out && out[0] == '\0' && !closed, "slice hangs");
    free(out);
    T_CHECK(su_call(s, "POST", "/__sim/fault?spec=/slicer/system%3D500:down", NULL, 0, &r) == 200, "spec");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/system/version", &r) == 500 && strstr(r.body, "Server error: down"), "500 set");
    t_resp_free(&r);
    cJSON *st = su_state(s);
    T_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(st, "faults")) == 2, "state lists faults");
    cJSON_Delete(st);
    T_CHECK(su_call(s, "POST", "/__sim/fault?route=/x&kind=explode", NULL, 0, &r) == 500 &&
            strstr(r.body, "unknown fault kind"), "bad kind refused");
    t_resp_free(&r);
    T_CHECK(su_call(s, "POST", "/__sim/fault?clear=1", NULL, 0, &r) == 200, "clear");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/slice", &r) == 200, "slice back");
    t_resp_free(&r);
    T_CHECK(su_log_has(s, "\"target\":\"/__sim/fault?clear=1\",\"status\":200,\"bytes\":30,"
                          "\"body_bytes\":0,\"control\":true"), "control logged");
    t_sim_stop(s);
}

static void test_longest_prefix_wins(void)
{
    const char *a[] = { "--fault", "*=500", "--fault", "/slicer/mrml/ids=single-quote",
                        "--volume-size", "16", NULL };
    t_sim *s = t_sim_start(a);
    T_ASSERT(s != NULL, "start");
    t_resp r;
    T_CHECK(su_get(s, "/slicer/mrml/ids", &r) == 200 && strcmp(r.body, "{'status': 'success'}") == 0,
            "specific route wins");
    t_resp_free(&r);
    T_CHECK(su_get(s, "/slicer/mrml/names", &r) == 500 && strstr(r.body, "injected fault"), "'*' elsewhere");
    t_resp_free(&r);
    t_sim_stop(s);
}

int main(void)
{
    t_run("fault_delay", test_delay);
    t_run("fault_hang", test_hang);
    t_run("fault_close", test_close);
    t_run("fault_500", test_500);
    t_run("fault_truncate", test_truncate);
    t_run("fault_content_type", test_content_type);
    t_run("fault_garbage", test_garbage);
    t_run("fault_oversize", test_oversize);
    t_run("fault_single_quote_and_404", test_single_quote_and_404);
    t_run("fault_runtime_control_route", test_runtime_control);
    t_run("fault_longest_prefix_wins", test_longest_prefix_wins);
    return t_done();
}
