/* test_schema: tables of (schema, instance, expected message) for every
 * keyword, compile errors with their JSON pointers, and the bounds: deep
 * instances, $ref cycles, exponential composition, error caps. */
#include "catalog/schema.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A validation case: msg NULL means the instance must be valid; otherwise
 * schema_validate's message must equal msg exactly. */
typedef struct { const char *schema, *inst, *msg; } vcase;

static const vcase vcases[] = {
    /* type */
    { "{\"type\":\"integer\"}", "3", NULL },
    { "{\"type\":\"integer\"}", "3.0", NULL },
    { "{\"type\":\"integer\"}", "-0", NULL },
    { "{\"type\":\"integer\"}", "1e300", NULL },
    { "{\"type\":\"integer\"}", "2.5", "must be of type integer, not number" },
    { "{\"type\":\"integer\"}", "\"3\"", "must be of type integer, not string" },
    { "{\"type\":\"number\"}", "3", NULL },
    { "{\"type\":\"number\"}", "2.5", NULL },
    { "{\"type\":\"number\"}", "null", "must be of type number, not null" },
    { "{\"type\":\"string\"}", "true", "must be of type string, not boolean" },
    { "{\"type\":\"null\"}", "null", NULL },
    { "{\"type\":\"null\"}", "{}", "must be of type null, not object" },
    { "{\"type\":\"boolean\"}", "false", NULL },
    { "{\"type\":\"boolean\"}", "[]", "must be of type boolean, not array" },
    { "{\"type\":\"object\"}", "{}", NULL },
    { "{\"type\":\"array\"}", "{}", "must be of type array, not object" },
    { "{\"type\":[\"string\",\"null\"]}", "null", NULL },
    { "{\"type\":[\"string\",\"null\"]}", "1",
      "must be of type string or null, not integer" },
    { "{\"type\":[\"string\",\"number\",\"null\"]}", "{}",
      "must be of type string, number or null, not object" },
    { "{\"type\":[\"integer\",\"string\"]}", "0.5",
      "must be of type integer or string, not number" },
    { "{\"type\":\"number\"}", "1e400", "must be a finite number" },
    { "{\"maximum\":5}", "-1e400", "must be a finite number" },
    { "{}", "1e400", NULL },
    /* properties, required, additionalProperties */
    { "{\"type\":\"object\",\"properties\":{\"max_size\":{\"type\":\"integer\"}}}",
      "{\"max_size\":2.5}", "max_size: must be of type integer, not number" },
    { "{\"properties\":{\"max_size\":{\"type\":\"integer\"}}}",
      "{\"other\":2.5}", NULL },
    { "{\"properties\":{\"a\":{\"type\":\"string\"}}}", "[1]", NULL },
    { "{\"required\":[\"node_id\"]}", "{}", "node_id: is required" },
    { "{\"required\":[\"node_id\"]}", "{\"node_id\":null}", NULL },
    { "{\"required\":[\"node_id\"]}", "\"not an object\"", NULL },
    { "{\"properties\":{\"p\":{\"required\":[\"x y\"]}}}", "{\"p\":{}}",
      "p[\"x y\"]: is required" },
    { "{\"properties\":{\"color\":{}},\"additionalProperties\":false}",
      "{\"color\":1}", NULL },
    { "{\"properties\":{\"color\":{}},\"additionalProperties\":false}",
      "{\"colour\":1}", "colour: unknown property (additionalProperties is false)" },
    { "{\"additionalProperties\":{\"type\":\"string\"}}", "{\"a\":\"x\",\"b\":1}",
      "b: must be of type string, not integer" },
    { "{\"properties\":{\"a\":false}}", "{\"a\":1}",
      "a: is not allowed (the schema here is false)" },
    { "{\"properties\":{\"x y\":{\"type\":\"string\"}}}", "{\"x y\":1}",
      "[\"x y\"]: must be of type string, not integer" },
    { "{\"properties\":{\"a\":{\"properties\":{\"q\\\"\\\\\":{\"type\":\"string\"}}}}}",
      "{\"a\":{\"q\\\"\\\\\":1}}",
      "a[\"q\\\"\\\\\"]: must be of type string, not integer" },
    /* enum, const */
    { "{\"enum\":[\"red\",\"yellow\",\"green\"]}", "\"green\"", NULL },
    { "{\"properties\":{\"view\":{\"enum\":[\"red\",\"yellow\",\"green\"]}}}",
      "{\"view\":\"blue\"}", "view: must be one of \"red\", \"yellow\", \"green\"" },
    { "{\"enum\":[1,\"a\",null,{\"a\":[1]}]}", "1.0", NULL },
    { "{\"enum\":[1,\"a\",null,{\"a\":[1]}]}", "null", NULL },
    { "{\"enum\":[1,\"a\",null,{\"a\":[1]}]}", "{\"a\":[1]}", NULL },
    { "{\"enum\":[1,\"a\",null,{\"a\":[1]}]}", "{\"a\":[2]}",
      "must be one of 1, \"a\", null, {\"a\":[1]}" },
    { "{\"enum\":[\"A\"]}", "\"a\"", "must be one of \"A\"" },
    { "{\"const\":\"x\"}", "\"x\"", NULL },
    { "{\"const\":\"x\"}", "\"y\"", "must equal \"x\"" },
    { "{\"const\":{\"k\":[true]}}", "{\"k\":[false]}", "must equal {\"k\":[true]}" },
    /* numbers */
    { "{\"properties\":{\"offset_mm\":{\"maximum\":500}}}", "{\"offset_mm\":500}", NULL },
    { "{\"properties\":{\"offset_mm\":{\"maximum\":500}}}", "{\"offset_mm\":500.5}",
      "offset_mm: must be <= 500" },
    { "{\"minimum\":0}", "0", NULL },
    { "{\"minimum\":0}", "-1", "must be >= 0" },
    { "{\"minimum\":0.1}", "0.05", "must be >= 0.1" },
    { "{\"minimum\":-2.5e-7}", "-1", "must be >= -2.5e-07" },
    { "{\"exclusiveMinimum\":0}", "0", "must be > 0" },
    { "{\"exclusiveMinimum\":0}", "1e-9", NULL },
    { "{\"exclusiveMaximum\":1}", "1", "must be < 1" },
    { "{\"exclusiveMaximum\":1}", "0.999", NULL },
    { "{\"minimum\":0}", "\"-5\"", NULL },
    /* strings */
    { "{\"minLength\":3}", "\"ab\"", "must be at least 3 characters long" },
    { "{\"minLength\":1}", "\"\"", "must be at least 1 character long" },
    { "{\"maxLength\":3}", "\"h\xc3\xa9\xc3\xa9\"", NULL },
    { "{\"maxLength\":3}", "\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"", NULL },
    { "{\"maxLength\":3}", "\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9ex\"",
      "must be at most 3 characters long" },
    { "{\"minLength\":2}", "\"\xf0\x9f\x98\x80\"", "must be at least 2 characters long" },
    { "{\"minLength\":2}", "\"\\ud83d\\ude00\"", "must be at least 2 characters long" },
    { "{\"minLength\":2}", "3", NULL },
    { "{\"pattern\":\"^[a-z]+$\"}", "\"abc\"", NULL },
    { "{\"pattern\":\"^[a-z]+$\"}", "\"aBc\"", "must match pattern ^[a-z]+$" },
    { "{\"pattern\":\"b\"}", "\"abc\"", NULL },
    { "{\"pattern\":\"^\\\\d+$\"}", "\"123\"", NULL },
    { "{\"pattern\":\"^\\\\d+$\"}", "\"d\"", "must match pattern ^\\d+$" },
    { "{\"pattern\":\"^\\\\w+\\\\s\\\\S$\"}", "\"a_1 x\"", NULL },
    { "{\"pattern\":\"^\\\\D$\"}", "\"5\"", "must match pattern ^\\D$" },
    { "{\"pattern\":\"^[\\\\d.]+$\"}", "\"1.5\"", NULL },
    { "{\"pattern\":\"^[\\\\d.]+$\"}", "\"\\\\\"", "must match pattern ^[\\d.]+$" },
    { "{\"pattern\":\"^a\\\\.b$\"}", "\"a.b\"", NULL },
    { "{\"pattern\":\"^a\\\\.b$\"}", "\"axb\"", "must match pattern ^a\\.b$" },
    { "{\"pattern\":\"^vtkMRML[[:alpha:]]+Node[0-9]*$\"}", "\"vtkMRMLScalarVolumeNode1\"", NULL },
    { "{\"pattern\":\"^a\\\\/b$\"}", "\"a/b\"", NULL },
    /* arrays */
    { "{\"properties\":{\"points\":{\"items\":{\"minItems\":3}}}}",
      "{\"points\":[[1,2,3],[1]]}", "points[1]: must have at least 3 items" },
    { "{\"maxItems\":1}", "[1,2]", "must have at most 1 item" },
    { "{\"maxItems\":1}", "[1]", NULL },
    { "{\"minItems\":1}", "[]", "must have at least 1 item" },
    { "{\"items\":{\"properties\":{\"r\":{\"type\":\"number\"}}}}",
      "[{\"r\":1},{\"r\":2},{\"r\":\"x\"}]", "[2].r: must be of type number, not string" },
    { "{\"items\":false}", "[]", NULL },
    { "{\"items\":false}", "[1]", "[0]: is not allowed (the schema here is false)" },
    /* composition */
    { "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "7", NULL },
    { "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "1.5",
      "must match at least one of the anyOf schemas (branch 0: must be of type"
      " string, not number)" },
    { "{\"properties\":{\"points\":{\"oneOf\":[{\"type\":\"array\",\"minItems\":2},"
      "{\"type\":\"array\",\"maxItems\":3}]}}}", "{\"points\":[1,2,3,4]}", NULL },
    { "{\"properties\":{\"points\":{\"oneOf\":[{\"type\":\"array\",\"minItems\":2},"
      "{\"type\":\"array\",\"maxItems\":3}]}}}", "{\"points\":[1,2]}",
      "points: must match exactly one of the oneOf schemas (matched more:"
      " branches 0 and 1)" },
    { "{\"properties\":{\"points\":{\"oneOf\":[{\"type\":\"array\",\"minItems\":2},"
      "{\"type\":\"array\",\"maxItems\":3}]}}}", "{\"points\":\"x\"}",
      "points: must match exactly one of the oneOf schemas (matched 0; branch 0:"
      " points: must be of type array, not string)" },
    { "{\"allOf\":[{\"minimum\":0},{\"maximum\":10}]}", "10", NULL },
    { "{\"allOf\":[{\"minimum\":0},{\"maximum\":10}]}", "11", "must be <= 10" },
    { "{\"anyOf\":[{\"oneOf\":[{\"type\":\"string\"}]},{\"type\":\"null\"}]}", "1",
      "must match at least one of the anyOf schemas (branch 0: must match"
      " exactly one of the oneOf schemas (matched 0; branch 0: must be of type"
      " string, not integer))" },
    /* $ref */
    { "{\"$defs\":{\"pos\":{\"type\":\"number\",\"minimum\":0}},"
      "\"properties\":{\"x\":{\"$ref\":\"#/$defs/pos\"}}}", "{\"x\":-1}",
      "x: must be >= 0" },
    { "{\"$defs\":{\"a/b\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/a~1b\"}", "1",
      "must be of type string, not integer" },
    { "{\"$defs\":{\"a~b\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/a~0b\"}", "\"s\"",
      NULL },
    { "{\"properties\":{\"a\":{\"type\":\"string\"}},"
      "\"items\":{\"$ref\":\"#/properties/a\"}}", "[\"s\",1]",
      "[1]: must be of type string, not integer" },
    { "{\"x-extra\":[{\"type\":\"null\"}],\"$ref\":\"#/x-extra/0\"}", "0",
      "must be of type null, not integer" },
    { "{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\","
      "\"items\":{\"$ref\":\"#\"}},\"name\":{\"type\":\"string\"}}}",
      "{\"kids\":[{\"kids\":[{\"name\":3}]}]}",
      "kids[0].kids[0].name: must be of type string, not integer" },
    { "{\"$ref\":\"#/$defs/n\",\"maximum\":3,\"$defs\":{\"n\":{\"minimum\":1}}}", "2", NULL },
    { "{\"$ref\":\"#/$defs/n\",\"maximum\":3,\"$defs\":{\"n\":{\"minimum\":1}}}", "4",
      "must be <= 3" },
    /* booleans, annotations and keywords no draft defines are ignored */
    { "true", "{\"anything\":[1]}", NULL },
    { "false", "1", "is not allowed (the schema here is false)" },
    { "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"t\","
      "\"description\":\"d\",\"format\":\"email\",\"default\":3,\"examples\":[1],"
      "\"$id\":\"x\",\"$comment\":\"c\",\"deprecated\":true,\"readOnly\":true,"
      "\"writeOnly\":false,\"contentMediaType\":\"text/plain\",\"contentEncoding\":"
      "\"base64\",\"x-extension\":1,\"patternErrorMessage\":\"m\"}", "\"x\"", NULL },
};

static cJSON *parse(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    if (!j)
        printf("  cannot parse test JSON: %s\n", text);
    return j;
}

static void test_validate_table(void)
{
    for (size_t i = 0; i < sizeof vcases / sizeof vcases[0]; i++) {
        const vcase *tc = &vcases[i];
        cJSON *doc = parse(tc->schema), *inst = parse(tc->inst);
        T_ASSERT(doc && inst, "case %zu", i);
        err e = { 0 };
        schema *s = schema_compile(doc, &e);
        T_CHECK(s != NULL, "case %zu: compile %s: %s", i, tc->schema, e.msg);
        if (s) {
            char *before_d = cJSON_PrintUnformatted(doc);
            char *before_i = cJSON_PrintUnformatted(inst);
            int rc = schema_validate(s, inst, &e);
            int n = schema_validate_all(s, inst, NULL, NULL);
            if (tc->msg) {
                T_CHECK(rc == -1 && e.kind == ERR_INVALID && strcmp(e.msg, tc->msg) == 0,
                        "case %zu: %s vs %s: got rc %d \"%s\", want \"%s\"",
                        i, tc->schema, tc->inst, rc, rc ? e.msg : "", tc->msg);
                T_CHECK(n >= 1, "case %zu: validate_all found %d", i, n);
            } else {
                T_CHECK(rc == 0 && n == 0, "case %zu: %s vs %s: got \"%s\"",
                        i, tc->schema, tc->inst, e.msg);
            }
            char *after_d = cJSON_PrintUnformatted(doc);
            char *after_i = cJSON_PrintUnformatted(inst);
            T_CHECK(strcmp(before_d, after_d) == 0 && strcmp(before_i, after_i) == 0,
                    "case %zu: document changed", i);
            free(before_d);
            free(before_i);
            free(after_d);
            free(after_i);
        }
        schema_free(s);
        cJSON_Delete(doc);
        cJSON_Delete(inst);
    }
}

/* A compile case: the error message must start with msg. */
typedef struct { const char *schema, *msg; } ccase;

static const ccase ccases[] = {
    { "3", "#: a schema must be an object or a boolean, not number" },
    /* Unimplemented validation keywords are refused, wherever they are. */
    { "{\"title\":\"t\",\"x-ui\":{\"a\":1},\"$comment\":\"c\",\"examples\":[1],\"uniqueItems\":true}",
      "/uniqueItems: keyword 'uniqueItems'" },
    { "{\"properties\":{\"x\":{\"multipleOf\":2}}}", "/properties/x/multipleOf: "
      "keyword 'multipleOf' is not supported by slicer-mcp's validator; it would not "
      "be enforced" },
    { "{\"uniqueItems\":true}", "/uniqueItems: keyword 'uniqueItems' is not supported" },
    { "{\"patternProperties\":{}}", "/patternProperties: keyword 'patternProperties' is not" },
    { "{\"propertyNames\":{}}", "/propertyNames: keyword 'propertyNames' is not" },
    { "{\"not\":{}}", "/not: keyword 'not' is not supported" },
    { "{\"if\":{},\"then\":{}}", "/if: keyword 'if' is not supported" },
    { "{\"then\":{}}", "/then: keyword 'then' is not supported" },
    { "{\"else\":{}}", "/else: keyword 'else' is not supported" },
    { "{\"items\":{\"contains\":{}}}", "/items/contains: keyword 'contains' is not" },
    { "{\"prefixItems\":[{}]}", "/prefixItems: keyword 'prefixItems' is not supported" },
    { "{\"dependentRequired\":{}}", "/dependentRequired: keyword 'dependentRequired' is" },
    { "{\"dependentSchemas\":{}}", "/dependentSchemas: keyword 'dependentSchemas' is" },
    { "{\"minProperties\":1}", "/minProperties: keyword 'minProperties' is not" },
    { "{\"maxProperties\":1}", "/maxProperties: keyword 'maxProperties' is not" },
    { "{\"unevaluatedProperties\":false}", "/unevaluatedProperties: keyword" },
    { "{\"unevaluatedItems\":false}", "/unevaluatedItems: keyword 'unevaluatedItems'" },
    { "{\"$defs\":{\"a\":{\"minContains\":1}}}", "/$defs/a/minContains: keyword" },
    { "{\"anyOf\":[{\"$dynamicRef\":\"#x\"}]}", "/anyOf/0/$dynamicRef: keyword" },
    { "{\"dependencies\":{}}", "/dependencies: keyword 'dependencies' is not" },
    { "{\"additionalItems\":false}", "/additionalItems: keyword 'additionalItems' is" },
    { "{\"minimum\":\"3\"}", "/minimum: must be a number, not string" },
    { "{\"exclusiveMaximum\":true}", "/exclusiveMaximum: must be a number" },
    { "{\"properties\":{\"view\":{\"pattern\":\"(\"}}}",
      "/properties/view/pattern: invalid regular expression: " },
    { "{\"pattern\":\"(?=x)\"}", "/pattern: invalid regular expression: " },
    { "{\"pattern\":3}", "/pattern: must be a string, not number" },
    { "{\"pattern\":\"\\\\bword\"}", "/pattern: unsupported regular expression: uses an escape" },
    { "{\"pattern\":\"a\\\\\"}", "/pattern: unsupported regular expression: ends with" },
    { "{\"pattern\":\"[\\\\D]\"}", "/pattern: unsupported regular expression: \\D, \\W" },
    { "{\"pattern\":\"[a\\\\-z]\"}", "/pattern: unsupported regular expression: escapes ]" },
    { "{\"required\":\"a\"}", "/required: must be an array of strings, not string" },
    { "{\"required\":[\"a\",1]}", "/required: must be an array of strings" },
    { "{\"type\":\"float\"}", "/type: must name types among null, boolean" },
    { "{\"type\":[]}", "/type: must not be an empty array" },
    { "{\"type\":[\"string\",\"string\"]}", "/type: lists \"string\" twice" },
    { "{\"type\":[\"string\",3]}", "/type: must name types" },
    { "{\"enum\":3}", "/enum: must be a non-empty array" },
    { "{\"enum\":[]}", "/enum: must be a non-empty array" },
    { "{\"minLength\":-1}", "/minLength: must be a non-negative integer" },
    { "{\"maxItems\":1.5}", "/maxItems: must be a non-negative integer" },
    { "{\"minItems\":\"2\"}", "/minItems: must be a non-negative integer" },
    { "{\"items\":[{}]}", "/items: must be a schema (object or boolean); tuple items" },
    { "{\"additionalProperties\":\"no\"}", "/additionalProperties: must be a schema" },
    { "{\"properties\":[]}", "/properties: must be an object, not array" },
    { "{\"properties\":{\"a~b/c\":{\"type\":\"strin\"}}}",
      "/properties/a~0b~1c/type: must name types" },
    { "{\"properties\":{\"a\":{},\"a\":{}}}", "/properties: names \"a\" twice" },
    { "{\"type\":\"string\",\"type\":\"number\"}", "/type: appears twice" },
    { "{\"allOf\":[]}", "/allOf: must be a non-empty array of schemas" },
    { "{\"oneOf\":{}}", "/oneOf: must be a non-empty array of schemas" },
    { "{\"anyOf\":[{},3]}", "/anyOf/1: a schema must be an object or a boolean" },
    { "{\"$defs\":3}", "/$defs: must be an object, not number" },
    { "{\"$defs\":{\"x\":{\"minimum\":null}}}", "/$defs/x/minimum: must be a number" },
    { "{\"$ref\":3}", "/$ref: must be a string, not number" },
    { "{\"$ref\":\"http://example.com/s.json\"}",
      "/$ref: \"http://example.com/s.json\" is not a local reference" },
    { "{\"$ref\":\"other.json#/a\"}", "/$ref: \"other.json#/a\" is not a local" },
    { "{\"$ref\":\"#anchor\"}", "/$ref: \"#anchor\" is not a local reference" },
    { "{\"$ref\":\"#/$defs/nope\"}", "/$ref: \"#/$defs/nope\" does not resolve" },
    { "{\"properties\":{\"a\":{\"$ref\":\"#/$defs/nope\"}},\"$defs\":{}}",
      "/properties/a/$ref: \"#/$defs/nope\" does not resolve" },
    { "{\"x-a\":[1],\"$ref\":\"#/x-a/0\"}", "/x-a/0: a schema must be an object or a boolean" },
    { "{\"x-a\":[1],\"$ref\":\"#/x-a/9\"}", "/$ref: \"#/x-a/9\" does not resolve" },
    /* Stacked quantifiers: undefined in POSIX, exponential in glibc. */
    { "{\"pattern\":\"$a*+++*++\"}", "/pattern: stacked repetition operators" },
    { "{\"pattern\":\"x?*\"}", "/pattern: stacked repetition operators" },
    { "{\"pattern\":\"((a?)*)*\"}", "/pattern: a repeated group that can match nothing" },
    { "{\"pattern\":\"^(ab|c|)+$\"}", "/pattern: a repeated group that can match nothing" },
    { "{\"pattern\":\"(x{0,3})*\"}", "/pattern: a repeated group that can match nothing" },
    /* Unknown keywords are refused: a typo must not pass for a rule. */
    { "{\"properties\":{\"s\":{\"maxLenght\":3}}}", "/properties/s/maxLenght: unknown keyword 'maxLenght'" },
    { "{\"x\":1}", "/x: unknown keyword 'x'" },
    { "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}",
      "/$defs/a/$ref: refers back to itself" },
    { "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"allOf\":[{\"$ref\":\"#/$defs/a\"}]}}}",
      "/$defs/b/allOf/0/$ref: refers back to itself" },
    { "{\"anyOf\":[{\"type\":\"string\"},{\"$ref\":\"#\"}]}",
      "/anyOf/1/$ref: refers back to itself" },
    { "{\"$ref\":\"#\"}", "/$ref: refers back to itself" },
};

static void test_compile_errors(void)
{
    for (size_t i = 0; i < sizeof ccases / sizeof ccases[0]; i++) {
        cJSON *doc = parse(ccases[i].schema);
        T_ASSERT(doc, "case %zu", i);
        char *before = cJSON_PrintUnformatted(doc);
        err e = { 0 };
        schema *s = schema_compile(doc, &e);
        T_CHECK(s == NULL && e.kind == ERR_INVALID
                && strncmp(e.msg, ccases[i].msg, strlen(ccases[i].msg)) == 0,
                "case %zu: %s: got \"%s\", want \"%s...\"", i, ccases[i].schema,
                s ? "(compiled)" : e.msg, ccases[i].msg);
        char *after = cJSON_PrintUnformatted(doc);
        T_CHECK(strcmp(before, after) == 0, "case %zu: document changed", i);
        free(before);
        free(after);
        schema_free(s);
        cJSON_Delete(doc);
    }
}

/* Nested text "{"items":" x n ... "}" x n: cJSON parses up to 1000 levels. */
static char *nest_text(const char *open, const char *mid, const char *close, int n)
{
    size_t len = (strlen(open) + strlen(close)) * (size_t)n + strlen(mid) + 1;
    char *t = malloc(len), *p = t;
    for (int i = 0; i < n; i++)
        p += strlen(strcpy(p, open));
    p += strlen(strcpy(p, mid));
    for (int i = 0; i < n; i++)
        p += strlen(strcpy(p, close));
    return t;
}

static void test_schema_depth(void)
{
    err e = { 0 };
    char *ok = nest_text("{\"items\":", "{}", "}", SCHEMA_MAX_DEPTH);
    char *deep = nest_text("{\"items\":", "{}", "}", SCHEMA_MAX_DEPTH + 1);
    cJSON *dok = parse(ok), *ddeep = parse(deep);
    schema *s = schema_compile(dok, &e);
    T_CHECK(s != NULL, "depth %d: %s", SCHEMA_MAX_DEPTH, e.msg);
    schema_free(s);
    s = schema_compile(ddeep, &e);
    T_CHECK(s == NULL && strstr(e.msg, ": subschemas nest deeper than 64 levels")
            && strncmp(e.msg, "/items/items/", 13) == 0, "got %s", e.msg);
    schema_free(s);
    char *inner = nest_text("[", "1", "]", 70);
    char *cdeep = nest_text("{\"const\":", inner, "}", 1);
    cJSON *dc = parse(cdeep);
    s = schema_compile(dc, &e);
    T_CHECK(s == NULL && strcmp(e.msg, "/const: nests deeper than 64 levels") == 0,
            "got %s", e.msg);
    schema_free(s);
    cJSON_Delete(dok);
    cJSON_Delete(ddeep);
    cJSON_Delete(dc);
    free(ok);
    free(deep);
    free(cdeep);
    free(inner);
}

/* n nested arrays built by hand (cJSON_Parse stops at 1000). */
static cJSON *deep_array(int n)
{
    cJSON *top = cJSON_CreateArray(), *cur = top;
    for (int i = 1; i < n; i++) {
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(cur, a);
        cur = a;
    }
    return top;
}

/* cJSON_Delete recurses; take the chain apart from the top instead. */
static void delete_deep(cJSON *top)
{
    while (top) {
        cJSON *kid = top->child ? cJSON_DetachItemViaPointer(top, top->child) : NULL;
        cJSON_Delete(top);
        top = kid;
    }
}

static void test_deep_instance(void)
{
    static const char *const schemas[] = {
        "{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}",
        "{\"anyOf\":[{\"type\":\"number\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}]}",
        "{\"$defs\":{\"a\":{\"items\":{\"$ref\":\"#/$defs/b\"}},\"b\":{\"allOf\":"
        "[{\"$ref\":\"#/$defs/a\"}]}},\"$ref\":\"#/$defs/a\"}",
    };
    cJSON *inst = deep_array(10000);
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        cJSON *doc = parse(schemas[i]);
        err e = { 0 };
        schema *s = schema_compile(doc, &e);
        T_ASSERT(s, "schema %zu: %s", i, e.msg);
        int rc = schema_validate(s, inst, &e);
        T_CHECK(rc == -1 && (strstr(e.msg, "is nested more than 64 levels deep")
                             || strstr(e.msg, "schema recursion deeper")),
                "schema %zu: rc %d %s", i, rc, e.msg);
        T_CHECK(schema_validate_all(s, inst, NULL, NULL) >= 1, "schema %zu", i);
        schema_free(s);
        cJSON_Delete(doc);
    }
    err e = { 0 };
    cJSON *doc = parse(schemas[0]);
    schema *s = schema_compile(doc, &e);
    T_CHECK(schema_validate(s, inst, &e) == -1 && strncmp(e.msg, "[0][0][0]", 9) == 0,
            "path %s", e.msg);
    /* Shallow enough passes. */
    cJSON *ok = deep_array(SCHEMA_MAX_DEPTH);
    T_CHECK(schema_validate(s, ok, &e) == 0, "depth %d: %s", SCHEMA_MAX_DEPTH, e.msg);
    /* A schema that never descends does not care how deep the value is. */
    cJSON *any = parse("{\"type\":\"array\"}");
    schema *s2 = schema_compile(any, &e);
    T_CHECK(schema_validate(s2, inst, &e) == 0, "%s", e.msg);
    schema_free(s);
    schema_free(s2);
    cJSON_Delete(doc);
    cJSON_Delete(any);
    delete_deep(ok);
    delete_deep(inst);
}

/* 40 $defs, each an anyOf of the next one twice: 2^40 paths, cut short. */
static void test_budget(void)
{
    char *text = malloc(8192), *p = text;
    p += sprintf(p, "{\"$ref\":\"#/$defs/d0\",\"$defs\":{");
    for (int i = 0; i < 40; i++)
        p += sprintf(p, "\"d%d\":{\"anyOf\":[{\"$ref\":\"#/$defs/d%d\"},"
                     "{\"$ref\":\"#/$defs/d%d\"}]},", i, i + 1, i + 1);
    sprintf(p, "\"d40\":{\"type\":\"string\"}}}");
    cJSON *doc = parse(text), *inst = cJSON_CreateNumber(1);
    err e = { 0 };
    schema *s = schema_compile(doc, &e);
    T_ASSERT(s, "%s", e.msg);
    T_CHECK(schema_validate(s, inst, &e) == -1
            && strcmp(e.msg, "schema too complex (more than 1000000 validation steps)") == 0,
            "got %s", e.msg);
    T_CHECK(schema_validate_all(s, inst, NULL, NULL) == 1, "one violation");
    cJSON *str = cJSON_CreateString("fine");
    T_CHECK(schema_validate(s, str, &e) == 0, "%s", e.msg);
    schema_free(s);
    cJSON_Delete(doc);
    cJSON_Delete(inst);
    cJSON_Delete(str);
    free(text);
}

/* Issue 16: from 300 markups of 1,000 points on, get_markups always
 * failed "schema too complex": the budget was one fixed number of steps.
 * Five subschemas for each of 250,000 numbers need 1.25 million; the
 * budget now grows with the instance. */
static void test_budget_grows_with_instance(void)
{
    cJSON *doc = parse("{\"type\":\"array\",\"items\":{\"allOf\":[{\"type\":\"number\"},"
                       "{\"minimum\":0},{\"maximum\":9},{\"type\":\"integer\"}]}}");
    err e = { 0 };
    schema *s = schema_compile(doc, &e);
    T_ASSERT(s, "%s", e.msg);
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < 250000; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(i % 10));
    T_CHECK(schema_validate(s, arr, &e) == 0, "a large ordinary value: %s", e.msg);
    cJSON_AddItemToArray(arr, cJSON_CreateNumber(10));
    T_CHECK(schema_validate(s, arr, &e) == -1 && strstr(e.msg, "[250000]") && strstr(e.msg, "9"),
            "and still checked to its last item: %s", e.msg);
    schema_free(s);
    cJSON_Delete(doc);
    cJSON_Delete(arr);
}

typedef struct { int n; char seen[4][128]; int null_at; } collect;

static void collect_fn(void *ud, const cJSON *at, const char *path, const char *msg)
{
    collect *c = ud;
    if (c->n < 4)
        snprintf(c->seen[c->n], sizeof c->seen[0], "%s: %s", path, msg);
    if (!at)
        c->null_at++;
    c->n++;
}

static void test_validate_all(void)
{
    cJSON *doc = parse("{\"properties\":{\"a\":{\"type\":\"string\"},"
                       "\"b\":{\"maximum\":1}},\"required\":[\"c\"]}");
    cJSON *inst = parse("{\"a\":1,\"b\":2}");
    err e = { 0 };
    schema *s = schema_compile(doc, &e);
    collect c = { 0 };
    T_CHECK(schema_validate_all(s, inst, collect_fn, &c) == 3 && c.n == 3, "n %d", c.n);
    T_CHECK(strcmp(c.seen[0], "c: is required") == 0, "%s", c.seen[0]);
    T_CHECK(strcmp(c.seen[1], "a: must be of type string, not integer") == 0, "%s", c.seen[1]);
    T_CHECK(strcmp(c.seen[2], "b: must be <= 1") == 0, "%s", c.seen[2]);
    T_CHECK(c.null_at == 1, "missing property has at == NULL");
    schema_free(s);
    cJSON_Delete(doc);
    cJSON_Delete(inst);

    /* Violations stop at 100. */
    doc = parse("{\"items\":{\"type\":\"integer\"}}");
    s = schema_compile(doc, &e);
    inst = cJSON_CreateArray();
    for (int i = 0; i < 1000; i++)
        cJSON_AddItemToArray(inst, cJSON_CreateString("x"));
    T_CHECK(schema_validate_all(s, inst, NULL, NULL) == 100, "capped");
    schema_free(s);
    cJSON_Delete(doc);
    cJSON_Delete(inst);
}

static void test_odd_inputs(void)
{
    err e = { 0 };
    schema_free(NULL);
    T_CHECK(schema_compile(NULL, &e) == NULL, "NULL doc");
    cJSON *doc = parse("{\"type\":\"string\",\"maximum\":3,\"enum\":[1]}");
    schema *s = schema_compile(doc, NULL);
    T_ASSERT(s, "compile");
    T_CHECK(schema_validate(s, NULL, &e) == -1 && strcmp(e.msg, "is missing") == 0,
            "%s", e.msg);
    T_CHECK(schema_validate(NULL, doc, &e) == -1, "NULL schema fails closed");
    T_CHECK(schema_validate(s, doc, NULL) == -1, "NULL err");
    cJSON *raw = cJSON_CreateRaw("{oops");
    T_CHECK(schema_validate(s, raw, &e) == -1
            && strcmp(e.msg, "must be of type string, not invalid value") == 0, "%s", e.msg);
    cJSON *nan = cJSON_CreateNumber(NAN);
    cJSON *d2 = parse("{\"maximum\":3}");
    schema *s2 = schema_compile(d2, &e);
    T_CHECK(schema_validate(s2, nan, &e) == -1 && strcmp(e.msg, "must be a finite number") == 0,
            "%s", e.msg);
    /* An object member without a name (added as to an array). */
    cJSON *d3 = parse("{\"properties\":{\"\":{\"type\":\"string\"}},\"required\":[\"\"]}");
    schema *s3 = schema_compile(d3, &e);
    T_ASSERT(s3, "%s", e.msg);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddItemToArray(obj, cJSON_CreateNumber(1));
    T_CHECK(schema_validate(s3, obj, &e) == -1, "nameless member");
    cJSON *d4 = parse("{\"pattern\":\"x\",\"minLength\":1}");
    schema *s4 = schema_compile(d4, &e);
    cJSON *nulls = cJSON_CreateString("");
    free(nulls->valuestring);
    nulls->valuestring = NULL;
    T_CHECK(schema_validate(s4, nulls, &e) == -1, "NULL valuestring");
    cJSON_Delete(nulls);
    schema_free(s);
    schema_free(s2);
    schema_free(s3);
    schema_free(s4);
    cJSON_Delete(doc);
    cJSON_Delete(raw);
    cJSON_Delete(nan);
    cJSON_Delete(d2);
    cJSON_Delete(d3);
    cJSON_Delete(d4);
    cJSON_Delete(obj);
}

/* A subschema that says its type and one more keyword applies that
 * keyword wherever it sits: as a property, as additionalProperties and as
 * items (the table above tests most keywords at the root only). */
static void test_typed_subschemas(void)
{
    static const char *const rows[][3] = {   /* subschema, failing, passing */
        { "{\"type\":\"string\"}", "1", "\"x\"" },
        { "{\"type\":\"integer\"}", "2.5", "3" },
        { "{\"type\":\"number\"}", "1e400", "1" },
        { "{\"type\":\"number\",\"minimum\":0}", "-1", "1" },
        { "{\"type\":\"number\",\"maximum\":0}", "1", "-1" },
        { "{\"type\":\"number\",\"exclusiveMinimum\":0}", "0", "1" },
        { "{\"type\":\"number\",\"exclusiveMaximum\":0}", "0", "-1" },
        { "{\"type\":\"string\",\"minLength\":2}", "\"a\"", "\"ab\"" },
        { "{\"type\":\"string\",\"maxLength\":1}", "\"ab\"", "\"a\"" },
        { "{\"type\":\"string\",\"pattern\":\"^a\"}", "\"b\"", "\"a\"" },
        { "{\"type\":\"string\",\"enum\":[\"a\"]}", "\"b\"", "\"a\"" },
        { "{\"type\":\"string\",\"const\":\"a\"}", "\"b\"", "\"a\"" },
        { "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}", "{\"q\":1}", "{\"q\":\"x\"}" },
        { "{\"type\":\"object\",\"required\":[\"q\"]}", "{}", "{\"q\":1}" },
        { "{\"type\":\"object\",\"additionalProperties\":false}", "{\"q\":1}", "{}" },
        { "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}", "[1]", "[\"x\"]" },
        { "{\"type\":\"array\",\"minItems\":1}", "[]", "[1]" },
        { "{\"type\":\"array\",\"maxItems\":0}", "[1]", "[]" },
        { "{\"type\":\"number\",\"$ref\":\"#/$defs/pos\"}", "-1", "1" },
        { "{\"type\":\"number\",\"allOf\":[{\"minimum\":0}]}", "-1", "1" },
        { "{\"type\":\"number\",\"anyOf\":[{\"minimum\":0}]}", "-1", "1" },
        { "{\"type\":\"number\",\"oneOf\":[{\"minimum\":0}]}", "-1", "1" },
    };
    /* Around the subschema, and around the value: before and after. */
    static const char *const wraps[][4] = {
        { "{\"$defs\":{\"pos\":{\"minimum\":0}},\"type\":\"object\",\"properties\":{\"p\":", "}}",
          "{\"p\":", "}" },
        { "{\"$defs\":{\"pos\":{\"minimum\":0}},\"type\":\"object\",\"additionalProperties\":", "}",
          "{\"z\":", "}" },
        { "{\"$defs\":{\"pos\":{\"minimum\":0}},\"type\":\"array\",\"items\":", "}", "[", "]" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (size_t w = 0; w < sizeof wraps / sizeof wraps[0]; w++) {
            char sch[512], bad[128], good[128];
            snprintf(sch, sizeof sch, "%s%s%s", wraps[w][0], rows[i][0], wraps[w][1]);
            snprintf(bad, sizeof bad, "%s%s%s", wraps[w][2], rows[i][1], wraps[w][3]);
            snprintf(good, sizeof good, "%s%s%s", wraps[w][2], rows[i][2], wraps[w][3]);
            cJSON *doc = parse(sch), *b = parse(bad), *g = parse(good);
            err e = { 0 };
            schema *s = doc ? schema_compile(doc, &e) : NULL;
            T_CHECK(s && b && g, "row %zu, wrap %zu: %s: %s", i, w, sch, e.msg);
            if (s && b && g) {
                T_CHECK(schema_validate(s, b, &e) == -1, "row %zu: %s accepts %s", i, sch, bad);
                T_CHECK(schema_validate(s, g, &e) == 0, "row %zu: %s refuses %s: %s", i, sch, good, e.msg);
            }
            schema_free(s);
            cJSON_Delete(doc);
            cJSON_Delete(b);
            cJSON_Delete(g);
        }
}

int main(void)
{
    t_run("schema_validate_table", test_validate_table);
    t_run("schema_compile_errors", test_compile_errors);
    t_run("schema_depth", test_schema_depth);
    t_run("schema_deep_instance", test_deep_instance);
    t_run("schema_budget", test_budget);
    t_run("schema_budget_grows_with_instance", test_budget_grows_with_instance);
    t_run("schema_validate_all", test_validate_all);
    t_run("schema_odd_inputs", test_odd_inputs);
    t_run("schema_typed_subschemas", test_typed_subschemas);
    return t_done();
}
