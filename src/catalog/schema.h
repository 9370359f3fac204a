/* schema: JSON Schema validation (the 2020-12 subset tool schemas use)
 * over cJSON.  A schema is compiled once (at tools.d load) and validated
 * many times (every tools/call), so regular expressions are compiled once.
 *
 * Supported: type (string or array of types; "integer" = whole number),
 * properties, required, additionalProperties (bool or schema), enum,
 * const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength,
 * maxLength (in Unicode code points), pattern (POSIX ERE, unanchored like
 * JSON Schema), items (schema), minItems, maxItems, $ref to "#/$defs/NAME",
 * "#" or any local JSON pointer "#/..." (a network or file $ref is a
 * compile error; $ref applies alongside its sibling keywords), $defs
 * (entries compiled and checked), anyOf, oneOf, allOf.  The validation
 * keywords it does not implement (multipleOf, uniqueItems, not, if/then/
 * else, contains, prefixItems, patternProperties, propertyNames,
 * dependentRequired, dependentSchemas, minProperties, maxProperties,
 * unevaluatedProperties, unevaluatedItems, $dynamicRef, ...) are compile
 * errors, so no rule is believed enforced that is not.  Annotations
 * ($schema, $id, title, description, default, examples, format, ...) and
 * keywords no draft defines are accepted and ignored, and the document is
 * never modified, so tools/list shows it verbatim.
 *
 * pattern dialect: POSIX ERE as util/rx.h matches it, over UTF-8
 * characters and in time linear in the text whatever the pattern.  The
 * ECMA escapes schemas use are mapped: \d \w \s (also inside [...]),
 * \D \W \S, \n \t \r and escaped punctuation such as \. ; any other
 * letter escape (\b, \1, \u...) and lookarounds are compile errors.
 *
 * Numbers: a value cJSON read as inf or NaN (1e400) fails "must be a
 * finite number" wherever a type number/integer or a bound applies.
 *
 * Bounds: subschema nesting (SCHEMA_MAX_DEPTH) and the number of
 * subschemas (4096) are capped at compile; a cycle of $ref/allOf/anyOf/
 * oneOf that never descends into the instance is a compile error.  At
 * validation the instance depth (SCHEMA_MAX_DEPTH), schema recursion
 * (4 x SCHEMA_MAX_DEPTH) and the subschemas applied (1,000,000 steps, or
 * 32 per value of the instance when that is more: the cost stays
 * proportional to the instance, with no ceiling a large value reaches)
 * are capped; hitting one stops validation with one message ("[0][0]...:
 * is nested more than 64 levels deep", "schema too complex (more than
 * 1000000 validation steps)") that no anyOf/oneOf swallows. */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <cjson/cJSON.h>
#include "util/err.h"

#define SCHEMA_MAX_DEPTH 64

typedef struct schema schema;

/* Compiles doc (borrowed: it must outlive the schema; never modified).
 * A keyword of the wrong type (e.g. "minimum": "3"), a keyword twice, a
 * bad regular expression, an unresolvable $ref or an unsupported
 * validation keyword ("/properties/x/multipleOf: keyword 'multipleOf' is
 * not supported by slicer-mcp's validator; it would not be enforced") fails (NULL) with e
 * naming the JSON pointer of the keyword as ERR_INVALID, e.g.
 * "/properties/view/pattern: invalid regular expression: ..." ("#: ..."
 * for the document itself). */
schema *schema_compile(const cJSON *doc, err *e);
/* Frees s and its compiled expressions; NULL is fine. */
void    schema_free(schema *s);

/* Called once per violation found by schema_validate_all.
 * at:   the instance node that failed (NULL for a missing property);
 * path: the instance location in a model-friendly form: "" for the root,
 *       "view", "points[2].r"; a key that is not an identifier
 *       ([A-Za-z_][A-Za-z0-9_]*) is quoted as in JSON: opts["x y"];
 *       past 511 bytes the path ends in "...";
 * msg:  the rule, one of:
 *       "must be of type integer, not number" (types: null, boolean,
 *          object, array, number, string, integer; a whole number is
 *          named integer; "string or null" for a list.  A type mismatch
 *          is reported alone: the other keywords would only repeat it),
 *       "must be a finite number",
 *       "must be one of \"red\", \"yellow\", \"green\"", "must equal 3"
 *          (values as compact JSON, cut with "..." past 400 bytes),
 *       "must be >= 0", "must be <= 500", "must be > 0", "must be < 1",
 *       "must be at least 3 characters long", "must be at most 1 character
 *          long" (Unicode code points),
 *       "must match pattern ^[a-z]+$" (the pattern as the schema wrote it),
 *       "must have at least 3 items", "must have at most 1 item",
 *       "is required",
 *       "unknown property (additionalProperties is false)",
 *       "is not allowed (the schema here is false)",
 *       "must match at least one of the anyOf schemas (branch 0: MSG0)",
 *       "must match exactly one of the oneOf schemas (matched 0; branch 0:
 *          MSG0)" or "(matched more: branches 0 and 1)", where MSG0 is the
 *          first violation of branch 0 as "path: msg",
 *       and the caps above. */
typedef void (*schema_err_fn)(void *ud, const cJSON *at, const char *path,
                              const char *msg);

/* Validates inst; reports every violation, up to 100 (anyOf/oneOf report
 * one summary line for the failing composition; allOf reports its
 * branches' violations as they are).  Returns the number of violations.
 * A NULL inst is one violation, "is missing"; a NULL s fails closed.
 * fn may be NULL to count only.  Never modifies s's document or inst;
 * allocates nothing. */
int schema_validate_all(const schema *s, const cJSON *inst,
                        schema_err_fn fn, void *ud);

/* Validates inst; on the first violation fills e (may be NULL) with
 * "PATH: MSG" (or just "MSG" at the root) as ERR_INVALID and returns -1.
 * 0 when valid, e untouched. */
int schema_validate(const schema *s, const cJSON *inst, err *e);

#endif
