/* tmetrics: reading a /metrics page, and checking its counters against
 * the audit log of the same run, counted here from the audit lines alone
 * (never from the gateway's code). */
#ifndef TMETRICS_H
#define TMETRICS_H

#include <stddef.h>

/* The value of the sample whose name and labels are exactly series
 * ("slicer_mcp_refusals_total{reason=\"auth\"}"), or -1 when the page
 * has no such line. */
double t_metric(const char *page, const char *series);

/* Compares page with audit (the audit log's text, one JSON line each):
 * slicer_mcp_tool_calls_total by tool and outcome (unknown_tool, and a
 * tool of "", count as "(unknown)"), and their sum, against the call
 * lines; refusals_total auth against the "unauthorized" lines, scope
 * against the "refused" lines that name insufficient_scope, guard
 * against the other "refused" lines; the Slicer REST histogram's count
 * against the slicer_calls the lines list.  Returns the number of
 * mismatches, described in why. */
int t_metrics_match_audit(const char *page, const char *audit, const char *unknown_tool, char *why, size_t n);

#endif
