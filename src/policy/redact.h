/* redact: PHI redaction rules applied to everything the gateway returns
 * to the client and writes to the audit log.
 *
 * A rules file (YAML or JSON, see tools.d/redact/recommended.yaml):
 *   rules:
 *     - name: patient-tags          # shown in the marker [REDACTED:patient-tags]
 *       keys: [PatientName, ...]    # JSON members with these exact keys:
 *                                   #   the whole value is replaced
 *       key_pattern: "Patient"      # same, for keys matching this ERE
 *       pattern: "MRN[0-9]+"        # every match inside any string (and
 *                                   #   any member's key) is replaced
 * Patterns are POSIX EREs as util/rx.h reads them: over UTF-8 characters,
 * leftmost-longest, never back-references.
 * A rule has a name and at least one of keys, key_pattern, pattern. */
#ifndef REDACT_H
#define REDACT_H

#include <cjson/cJSON.h>
#include "util/err.h"

#define REDACT_MAX_RULES 256

typedef struct redact redact;

/* Loads a rules file; -1/NULL with e = "FILE:LINE:COL: message". */
redact *redact_load(const char *path, err *e);
void    redact_free(redact *r);
size_t  redact_rule_count(const redact *r);

/* Redacts node in place (keys, then patterns in every string value and
 * in strings that are themselves JSON texts); returns the number of
 * replacements. */
int   redact_json(const redact *r, cJSON *node);
/* As redact_json, leaving alone every member for which skip(parent,
 * member) is non-zero (image data: a pattern could match inside base64). */
typedef int (*redact_skip)(const cJSON *parent, const cJSON *member);
int   redact_json_except(const redact *r, cJSON *node, redact_skip skip);
/* Pattern rules over one string: a malloc'd redacted copy, or NULL when
 * nothing matched.  *count (may be NULL) gets the replacements, or -1
 * when memory ran out half way: then the text must not go out at all.
 * Patterns run in time linear in the text (util/rx.h), whatever the
 * rules; a string that cannot be redacted is replaced, never passed on. */
char *redact_text(const redact *r, const char *s, int *count);
/* A REST target as the audit log and debug notes show it: each path
 * segment and each query name and value is percent-decoded before the
 * pattern rules run on it (a name travels as DOE%5EJOHN), and encoded
 * again when something matched.  As redact_text otherwise. */
char *redact_target(const redact *r, const char *target, int *count);

#endif
