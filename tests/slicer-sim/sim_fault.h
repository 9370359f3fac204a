/* sim_fault: injected failures for reliability tests, chosen per request
 * by the longest matching route prefix ("*" matches everything). */
#ifndef SIM_FAULT_H
#define SIM_FAULT_H

#include <stddef.h>

#define SIM_FAULT_MAX 32

typedef enum {
    FAULT_NONE, FAULT_DELAY, FAULT_HANG, FAULT_CLOSE, FAULT_500,
    FAULT_TRUNCATE, FAULT_CTYPE, FAULT_GARBAGE, FAULT_OVERSIZE,
    FAULT_SQUOTE, FAULT_404
} sim_fault_kind;

typedef struct {
    char route[256];        /* target prefix, or "*" */
    sim_fault_kind kind;
    long num;               /* delay ms, oversize bytes */
    char arg[256];          /* 500 message, content type */
} sim_fault;

typedef struct {
    sim_fault f[SIM_FAULT_MAX];
    int n;
} sim_faults;

/* Parses "ROUTE=KIND[:ARG]"; 0, or -1 with a message in err. */
int  sim_fault_parse(const char *spec, sim_fault *out, char *err, size_t errlen);
/* Parses KIND[:ARG] for a given route. */
int  sim_fault_parse_kind(const char *route, const char *kind, sim_fault *out,
                          char *err, size_t errlen);
/* Adds (replacing a fault on the same route); 0 or -1 when full. */
int  sim_faults_add(sim_faults *fs, const sim_fault *f);
void sim_faults_clear(sim_faults *fs);
/* The fault for a raw request target, or NULL. */
const sim_fault *sim_faults_match(const sim_faults *fs, const char *target);
const char *sim_fault_name(sim_fault_kind k);

#endif
