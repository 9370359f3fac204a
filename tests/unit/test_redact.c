/* Unit tests of PHI redaction: rule loading with positions, key and
 * pattern rules over JSON and text, and the recommended rule set. */
#include <stdlib.h>
#include <string.h>

#include "policy/redact.h"
#include "testlib.h"

static redact *load_text(const char *yaml, err *e)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rules.yaml", t_tmpdir());
    t_write_file(path, yaml, strlen(yaml));
    return redact_load(path, e);
}

static void test_rules_and_markers(void)
{
    err e = { 0 };
    redact *r = load_text("rules:\n"
                          "  - name: tags\n    keys: [PatientName, PatientID]\n"
                          "  - name: attr\n    key_pattern: \"^DICOM[.]\"\n"
                          "  - name: mrn\n    pattern: \"MRN[0-9]+\"\n", &e);
    T_ASSERT(r, "loads: %s", e.msg);
    T_CHECK(redact_rule_count(r) == 3, "three rules");
    cJSON *j = cJSON_Parse("{\"PatientName\":\"DOE^JOHN\",\"nested\":{\"PatientID\":{\"deep\":1},"
                           "\"Attributes\":{\"DICOM.StudyDate\":\"20200101\"}},"
                           "\"note\":\"see MRN12345 and MRN678\",\"list\":[\"MRN1\",2]}");
    int n = redact_json(r, j);
    char *s = cJSON_PrintUnformatted(j);
    T_CHECK(n == 6, "six replacements, got %d: %s", n, s);
    T_CHECK(!strcmp(s, "{\"PatientName\":\"[REDACTED:tags]\",\"nested\":{\"PatientID\":\"[REDACTED:tags]\","
                       "\"Attributes\":{\"DICOM.StudyDate\":\"[REDACTED:attr]\"}},"
                       "\"note\":\"see [REDACTED:mrn] and [REDACTED:mrn]\",\"list\":[\"[REDACTED:mrn]\",2]}"),
            "exact result: %s", s);
    free(s);
    cJSON_Delete(j);
    /* A string holding JSON (a text block) gets the key rules too. */
    cJSON *t = cJSON_CreateString("{\"PatientID\":\"123\",\"x\":\"MRN9\"}");
    redact_json(r, t);
    T_CHECK(!strcmp(t->valuestring, "{\"PatientID\":\"[REDACTED:tags]\",\"x\":\"[REDACTED:mrn]\"}"), "text JSON: %s",
            t->valuestring);
    cJSON_Delete(t);
    int c = 0;
    char *out = redact_text(r, "nothing here", &c);
    T_CHECK(out == NULL && c == 0, "unchanged text gives NULL");
    redact_free(r);
}

static void test_load_errors(void)
{
    static const struct { const char *yaml, *want; } cases[] = {
        { "rules: []\n", "rules.yaml:1:8: expected 'rules:'" },
        { "rules:\n  - name: a\n", "rules.yaml:2:5: a rule needs keys" },
        { "rules:\n  - name: a\n    pattren: x\n", "rules.yaml:3:5: unknown key 'pattren'" },
        { "rules:\n  - name: a\n    pattern: \"(x\"\n", "rules.yaml:3:14: invalid regular expression" },
        { "rules:\n  - name: \"a b\"\n    pattern: x\n", "rules.yaml:2:11: rule name" },
        { "rules:\n  - name: a\n    keys: [1]\n", "rules.yaml:3:12: keys must be a list of strings" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err e = { 0 };
        redact *r = load_text(cases[i].yaml, &e);
        T_CHECK(!r && strstr(e.msg, cases[i].want), "case %zu: %s (want %s)", i, e.msg, cases[i].want);
        redact_free(r);
    }
}

static void test_recommended_rules(void)
{
    err e = { 0 };
    redact *r = redact_load("tools.d/redact/recommended.yaml", &e);
    T_ASSERT(r, "the shipped rule set loads: %s", e.msg);
    cJSON *j = cJSON_Parse("{\"PatientName\":\"X\",\"00100020\":{\"vr\":\"LO\"},"
                           "\"Attributes\":{\"DICOM.PatientBirthDate\":\"19700101\"},"
                           "\"text\":\"Pt DOE^JANE MRN: A12345 SSN 123-45-6789\",\"Name\":\"MRHead\"}");
    redact_json(r, j);
    char *s = cJSON_PrintUnformatted(j);
    T_CHECK(strstr(s, "\"PatientName\":\"[REDACTED:dicom-patient]\"") &&
            strstr(s, "\"00100020\":\"[REDACTED:dicom-patient-tag]\"") &&
            strstr(s, "[REDACTED:dicom-attribute]") && strstr(s, "[REDACTED:person-name]") &&
            strstr(s, "[REDACTED:mrn]") && strstr(s, "[REDACTED:ssn]") && strstr(s, "\"Name\":\"MRHead\""),
            "recommended rules: %s", s);
    free(s);
    cJSON_Delete(j);
    redact_free(r);
}

int main(void)
{
    t_run("redact_rules_and_markers", test_rules_and_markers);
    t_run("redact_load_errors", test_load_errors);
    t_run("redact_recommended_rules", test_recommended_rules);
    return t_done();
}
