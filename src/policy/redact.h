/* redact: PHI redaction rules applied to everything the gateway returns
 * to the client and writes to the audit log.
 *
 * A rules file (YAML or JSON, see tools.d/redact/recommended.yaml):
 *   rules:
 *     - name: patient-tags          # shown in the marker [REDACTED:patient-tags]
 *       keys: [PatientName, ...]    # JSON members with these exact keys:
 *                                   #   the whole value is replaced
 *       key_pattern: "Patient"      # same, for keys matching this POSIX ERE
 *       pattern: "MRN[0-9]+"        # every match inside any string is replaced
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
/* Pattern rules over one string: a malloc'd redacted copy, or NULL when
 * nothing matched.  *count (may be NULL) gets the replacements. */
char *redact_text(const redact *r, const char *s, int *count);

#endif
