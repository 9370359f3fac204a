/* fuzz_json: any bytes parsed as the gateway parses client input and
 * Slicer's answers (cJSON_ParseWithLengthOpts), printed by jsonw_print and
 * parsed again: the same tree must come back (tests/lib/jsoneq.h), and a
 * tree without numbers must print exactly as cJSON_PrintUnformatted prints
 * it (jsonw escapes strings as cJSON does).  A difference aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "jsoneq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *why, const char *text)
{
    fprintf(stderr, "fuzz_json: %s: %.300s\n", why, text ? text : "(null)");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *j = cJSON_ParseWithLengthOpts((const char *)data, size, NULL, 0);
    if (!j)
        return 0;
    size_t n = 0;
    char *s = jsonw_print(j, &n);
    if (!s)
        fail("jsonw_print failed", NULL);
    if (strlen(s) != n)
        fail("length differs", s);
    cJSON *back = cJSON_ParseWithLengthOpts(s, n + 1, NULL, 1);   /* the NUL too: nothing after the value */
    if (!back || !jq_same(j, back))
        fail(back ? "a different tree came back" : "the text does not parse", s);
    if (!jq_has_number(j)) {
        char *ref = cJSON_PrintUnformatted(j);
        if (!ref || strcmp(ref, s) != 0)
            fail("not cJSON's text", s);
        free(ref);
    }
    cJSON_Delete(back);
    cJSON_Delete(j);
    free(s);
    return 0;
}
