/* test_props: reading /mrml/properties in the shape real Slicer sends
 * (tests/fixtures/slicer-properties-examples.json: Slicer's own
 * nodeProperties algorithm over PrintSelf text), and proof that no gateway
 * source reads the keys Slicer never sends. */
#include "slicer/props.h"
#include "testlib.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLES "tests/fixtures/slicer-properties-examples.json"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    if (len)
        *len = s ? (size_t)n : 0;
    return s;
}

static cJSON *examples(void)
{
    char *s = slurp(EXAMPLES, NULL);
    cJSON *j = s ? cJSON_Parse(s) : NULL;
    free(s);
    return j;
}

static void test_volume(void)
{
    cJSON *ex = examples();
    T_ASSERT(ex, "%s parses", EXAMPLES);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ex, "vtkMRMLScalarVolumeNode1");
    double o[3], sp[3], dims[3];
    T_CHECK(props_numbers(v, "Origin", o, 3) == 0 && o[0] == -86.6449 && o[1] == 133.929 &&
            o[2] == 116.786, "origin to 6 significant digits");
    T_CHECK(props_numbers(v, "Spacing", sp, 3) == 0 && sp[2] == 1.3, "spacing");
    T_CHECK(props_numbers(cJSON_GetObjectItemCaseSensitive(v, "ImageData"), "Dimensions", dims, 3) == 0 &&
            dims[0] == 256 && dims[1] == 256 && dims[2] == 130, "ImageData dimensions");
    const char *st = props_scalar_type(v);
    T_CHECK(st && !strcmp(st, "short"), "scalar type from Point Data/Scalars/Data type: %s", st ? st : "(null)");
    double dir[9];
    T_CHECK(props_numbers(v, "IJKToRASDirections", dir, 9) != 0 &&
            !strcmp(props_string(v, "IJKToRASDirections"), ""), "the direction rows are lost: \"\"");
    T_CHECK(!strcmp(props_string(v, "Name"), "MRHead"), "a string name as is");
    cJSON_Delete(ex);
}

static void test_slice(void)
{
    cJSON *ex = examples();
    T_ASSERT(ex, "%s parses", EXAMPLES);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(ex, "vtkMRMLSliceNodeRed");
    double fov[3], dims[3];
    T_CHECK(props_numbers(s, "FieldOfView", fov, 3) == 0 && fov[0] == 256 && fov[1] == 256,
            "field of view");
    T_CHECK(props_numbers(s, "Dimensions", dims, 3) == 0 && dims[0] == 512, "dimensions");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(s, "SliceToRAS");
    T_CHECK(cJSON_IsObject(m) && !strcmp(props_string(m, "Elements"), ""),
            "the slice matrix is a group with an empty Elements");
    T_CHECK(!cJSON_GetObjectItemCaseSensitive(s, "Orientation"), "no Orientation");
    cJSON_Delete(ex);
}

static void test_labels(void)
{
    cJSON *ex = examples();
    T_ASSERT(ex, "%s parses", EXAMPLES);
    cJSON *cps = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(ex, "vtkMRMLMarkupsLineNode1"), "ControlPoints");
    cJSON *p0 = cJSON_GetObjectItemCaseSensitive(cps, "ControlPoint[0]");
    cJSON *p1 = cJSON_GetObjectItemCaseSensitive(cps, "ControlPoint[1]");
    char tmp[40];
    const char *l0 = props_text(p0, "Label", tmp, sizeof tmp);
    T_CHECK(l0 && !strcmp(l0, "L-1"), "a text label as is");
    const char *l1 = props_text(p1, "Label", tmp, sizeof tmp);
    T_CHECK(l1 && !strcmp(l1, "7"), "the label 7, sent as a number, back as \"7\": %s", l1 ? l1 : "(null)");
    double pos[3];
    T_CHECK(props_numbers(p1, "Position", pos, 3) == 0 && pos[0] == 30.5 && pos[2] == 28,
            "position [r, a, s]");
    /* "7-2" looks numeric, int() raises and the line is skipped: no key. */
    cJSON_DeleteItemFromObjectCaseSensitive(p1, "Label");
    T_CHECK(props_text(p1, "Label", tmp, sizeof tmp) == NULL, "a dropped label is NULL");
    cJSON_AddNumberToObject(p1, "Label", 0.1);
    l1 = props_text(p1, "Label", tmp, sizeof tmp);
    T_CHECK(l1 && !strcmp(l1, "0.1"), "0.1 in its shortest digits: %s", l1 ? l1 : "(null)");
    cJSON_ReplaceItemInObjectCaseSensitive(p1, "Label", cJSON_CreateTrue());
    T_CHECK(props_text(p1, "Label", tmp, sizeof tmp) == NULL, "a boolean (on/true) is NULL");
    cJSON_Delete(ex);
}

/* A string name never costs a request: props_node_name needs no Slicer. */
static void test_name(void)
{
    cJSON *ex = examples();
    T_ASSERT(ex, "%s parses", EXAMPLES);
    err e = { 0 };
    char *n = props_node_name(NULL, "vtkMRMLMarkupsLineNode1",
                              cJSON_GetObjectItemCaseSensitive(ex, "vtkMRMLMarkupsLineNode1"), &e);
    T_CHECK(n && !strcmp(n, "L"), "name L");
    free(n);
    cJSON_Delete(ex);
}

/* Counts files under dir whose text contains needle (prints them). */
static int files_naming(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    int found = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        DIR *sub = opendir(path);
        if (sub) {
            closedir(sub);
            found += files_naming(path, needle);
            continue;
        }
        char *s = slurp(path, NULL);
        if (s && strstr(s, needle)) {
            printf("  %s names %s\n", path, needle);
            found++;
        }
        free(s);
    }
    if (d)
        closedir(d);
    return found;
}

/* Real Slicer never sends these (the API reference, section 4.3): no tool
 * may read them.  tools.d is searched too (a declarative tool could). */
static void test_no_old_shape(void)
{
    static const char *const never[] = { "SliceToRAS", "XYToRAS", "IJKToRASDirections",
                                         "ScalarType", "OrientationString", NULL };
    for (int i = 0; never[i]; i++) {
        T_CHECK(files_naming("src", never[i]) == 0, "src/ never names %s", never[i]);
        T_CHECK(files_naming("tools.d", never[i]) == 0, "tools.d/ never names %s", never[i]);
    }
}

int main(void)
{
    t_run("props_volume_real_shape", test_volume);
    t_run("props_slice_real_shape", test_slice);
    t_run("props_labels_numeric_and_dropped", test_labels);
    t_run("props_string_name_no_request", test_name);
    t_run("props_no_tool_reads_old_shape", test_no_old_shape);
    return t_done();
}
