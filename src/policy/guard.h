/* guard: the table of Slicer endpoints no tool may reach unless the
 * matching policy is enabled in the gateway's own configuration.  It
 * lives in C, not in tools.d, so an admin's YAML cannot widen it.
 *
 * Matching follows how Slicer routes: the raw target (never decoded),
 * the prefix after "/slicer", case-sensitive, first match wins; query
 * parameters are read the way Python's parse_qs reads them (percent- and
 * '+'-decoding, empty values dropped, first value wins), so no spelling
 * reaches a guarded endpoint unnoticed. */
#ifndef GUARD_H
#define GUARD_H

/* Every policy key, NULL-terminated. */
extern const char *const guard_policies[];

/* For a request the gateway is about to send: NULL if it needs no policy,
 * else the policy key, with *why (static text) saying what the request
 * would do.  has_body: the request carries a non-empty body (Slicer's
 * /volume uploads whenever it has one, whatever the method).  spool_dir
 * is the gateway's own markups spool folder: a POST /slicer/mrml loading
 * a file from it needs no policy. */
const char *guard_check(const char *method, const char *target, int has_body,
                        const char *spool_dir, const char **why);

/* For a tools.d request known by method, path, the names of the query
 * parameters it may send (NULL-terminated, may be NULL) and whether it
 * sends a body: the policy a tool declaring it must carry, or NULL, with
 * *why as above.  Values come per call and are judged again then. */
const char *guard_check_path(const char *method, const char *path,
                             const char *const *params, int has_body, const char **why);

/* Decodes the first non-empty value of key in a raw query string (the
 * part after '?') like parse_qs; returns a malloc'd string or NULL. */
char *guard_query_value(const char *query, const char *key);

#endif
