/* sim_fault: parsing and matching of injected faults. */
#include "sim_fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    sim_fault_kind kind;
    int needs_arg;          /* 1 required number, 2 optional text, 3 required text */
} k_kinds[] = {
    { "delay", FAULT_DELAY, 1 },       { "hang", FAULT_HANG, 0 },
    { "close", FAULT_CLOSE, 0 },       { "500", FAULT_500, 2 },
    { "truncate", FAULT_TRUNCATE, 0 }, { "content-type", FAULT_CTYPE, 3 },
    { "garbage", FAULT_GARBAGE, 0 },   { "oversize", FAULT_OVERSIZE, 1 },
    { "single-quote", FAULT_SQUOTE, 0 }, { "404", FAULT_404, 0 },
};

const char *sim_fault_name(sim_fault_kind k)
{
    for (size_t i = 0; i < sizeof k_kinds / sizeof k_kinds[0]; i++)
        if (k_kinds[i].kind == k)
            return k_kinds[i].name;
    return "none";
}

int sim_fault_parse_kind(const char *route, const char *kind, sim_fault *out,
                         char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!route || !*route || strlen(route) >= sizeof out->route) {
        snprintf(err, errlen, "fault route must be a path prefix or '*'");
        return -1;
    }
    snprintf(out->route, sizeof out->route, "%s", route);
    const char *colon = strchr(kind, ':');
    size_t kl = colon ? (size_t)(colon - kind) : strlen(kind);
    const char *arg = colon ? colon + 1 : NULL;
    for (size_t i = 0; i < sizeof k_kinds / sizeof k_kinds[0]; i++) {
        if (strlen(k_kinds[i].name) != kl || strncmp(k_kinds[i].name, kind, kl) != 0)
            continue;
        out->kind = k_kinds[i].kind;
        int need = k_kinds[i].needs_arg;
        if (need == 0 && arg) {
            snprintf(err, errlen, "fault '%s' takes no argument", k_kinds[i].name);
            return -1;
        }
        if (need == 1) {
            char *end = NULL;
            long v = arg ? strtol(arg, &end, 10) : -1;
            if (!arg || !*arg || *end || v < 0 || v > 512L * 1024 * 1024) {
                snprintf(err, errlen, "fault '%s' needs a number: %s:N", k_kinds[i].name,
                         k_kinds[i].name);
                return -1;
            }
            out->num = v;
        }
        if (need == 3 && (!arg || !*arg)) {
            snprintf(err, errlen, "fault '%s' needs an argument", k_kinds[i].name);
            return -1;
        }
        if ((need == 2 || need == 3) && arg) {
            if (strlen(arg) >= sizeof out->arg || strpbrk(arg, "\r\n")) {
                snprintf(err, errlen, "fault argument too long or has a line break");
                return -1;
            }
            snprintf(out->arg, sizeof out->arg, "%s", arg);
        }
        return 0;
    }
    snprintf(err, errlen, "unknown fault kind '%.*s' (delay hang close 500 truncate "
             "content-type garbage oversize single-quote 404)", (int)kl, kind);
    return -1;
}

int sim_fault_parse(const char *spec, sim_fault *out, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    if (!eq) {
        snprintf(err, errlen, "fault '%s' is not ROUTE=KIND[:ARG]", spec);
        return -1;
    }
    char route[256];
    size_t rl = (size_t)(eq - spec);
    if (rl == 0 || rl >= sizeof route) {
        snprintf(err, errlen, "fault '%s' has no usable route", spec);
        return -1;
    }
    memcpy(route, spec, rl);
    route[rl] = '\0';
    return sim_fault_parse_kind(route, eq + 1, out, err, errlen);
}

int sim_faults_add(sim_faults *fs, const sim_fault *f)
{
    for (int i = 0; i < fs->n; i++) {
        if (strcmp(fs->f[i].route, f->route) == 0) {
            fs->f[i] = *f;
            return 0;
        }
    }
    if (fs->n >= SIM_FAULT_MAX)
        return -1;
    fs->f[fs->n++] = *f;
    return 0;
}

void sim_faults_clear(sim_faults *fs)
{
    fs->n = 0;
}

const sim_fault *sim_faults_match(const sim_faults *fs, const char *target)
{
    const sim_fault *best = NULL;
    size_t best_len = 0;
    for (int i = 0; i < fs->n; i++) {
        const sim_fault *f = &fs->f[i];
        if (strcmp(f->route, "*") == 0) {
            if (!best)
                best = f;
            continue;
        }
        size_t l = strlen(f->route);
        if (strncmp(target, f->route, l) == 0 && (!best || l > best_len ||
                                                   strcmp(best->route, "*") == 0)) {
            best = f;
            best_len = l;
        }
    }
    return best;
}
