/* bench_redact: redaction throughput of each rule of a rules file on
 * 4 MiB strings built to be the worst case for a backtracking or
 * quadratic matcher (runs of one letter, names with no end, digits that
 * almost make a date).  Prints MB/s per rule and input, and each rule's
 * slowest.  A figure, never a pass/fail.
 *
 *   bench_redact RULES.yaml TMPDIR */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/redact.h"
#include "util/jsonw.h"
#include "util/yamljson.h"

#define SIZE ((size_t)4 << 20)

static const struct { const char *name, *unit; } inputs[] = {
    { "letters", "a" },
    { "caret-names", "A^" },
    { "name-no-end", "Ab'-" },
    { "digits", "1" },
    { "iso-date-ish", "1970-01-" },
    { "slash-date-ish", "01/01/" },
    { "mrn-labels", "MRN " },
    { "dicom-tags", "(0010,0030) " },
    { "comma-names", "Doe, " },
    { "non-ascii", "\xc3\x9c" "a^" },
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *fill(const char *unit)
{
    char *s = malloc(SIZE + 1);
    size_t u = strlen(unit);
    for (size_t i = 0; i < SIZE; i++)
        s[i] = unit[i % u];
    s[SIZE - SIZE % u] = '\0';
    return s;
}

/* MB/s of one rule over one input: as text, and as an object key (where
 * key rules run). */
static double rate(const redact *r, const char *s)
{
    double t0 = now();
    int n = 0;
    free(redact_text(r, s, &n));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, s, 1);
    redact_json(r, o);
    cJSON_Delete(o);
    double dt = now() - t0;
    return 2.0 * (double)strlen(s) / 1e6 / dt;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_redact RULES.yaml TMPDIR\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    static char text[1 << 20];
    size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    err e = { 0 };
    yj_doc *d = yj_parse(text, len, argv[1], &e);
    if (!d) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    char *in[sizeof inputs / sizeof inputs[0]];
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        in[i] = fill(inputs[i].unit);
    printf("== redaction: MB/s of each rule of %s alone on 4 MiB inputs (as text and as a key)\n", argv[1]);
    const cJSON *rule;
    double worst_all = 1e18;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(yj_root(d), "rules")) {
        /* The rule alone, as a rules file of its own. */
        cJSON *one = cJSON_CreateObject();
        cJSON_AddItemToArray(cJSON_AddArrayToObject(one, "rules"), cJSON_Duplicate(rule, 1));
        char *js = jsonw_print(one, NULL), path[4096];
        cJSON_Delete(one);
        snprintf(path, sizeof path, "%s/rule.json", argv[2]);
        FILE *w = fopen(path, "w");
        fputs(js, w);
        fclose(w);
        free(js);
        redact *r = redact_load(path, &e);
        if (!r) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
        const char *name = cJSON_GetObjectItemCaseSensitive(rule, "name")->valuestring;
        double worst = 1e18;
        const char *worst_in = "";
        printf("%-18s", name);
        for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
            double mbs = rate(r, in[i]);
            printf(" %s %.0f", inputs[i].name, mbs);
            if (mbs < worst) {
                worst = mbs;
                worst_in = inputs[i].name;
            }
        }
        printf("\n%-18s slowest: %.1f MB/s (%s)\n", "", worst, worst_in);
        if (worst < worst_all)
            worst_all = worst;
        redact_free(r);
    }
    printf("slowest rule on its slowest input: %.1f MB/s\n", worst_all);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        free(in[i]);
    yj_free(d);
    return 0;
}
