/* fuzz_common: what the libFuzzer harnesses share: the shipped tools.d
 * loaded once, found from the repository root (the working directory
 * run.sh uses) or FUZZ_REPO. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "app/catalog.h"
#include "util/log.h"

/* The shipped tools, loaded on first use and kept for the whole run
 * (libFuzzer never returns from its loop, so there is no teardown). */
static const toolset *fuzz_tools(void)
{
    static toolset *ts;
    if (!ts) {
        const char *repo = getenv("FUZZ_REPO");
        char dir[1024], schemas[1024];
        snprintf(dir, sizeof dir, "%s/tools.d", repo ? repo : ".");
        snprintf(schemas, sizeof schemas, "%s/schemas", repo ? repo : ".");
        int n = 0;
        ts = catalog_load(dir, schemas, stderr, &n);
        if (!ts) {
            fprintf(stderr, "fuzz: cannot load %s (%d problems); run from the repository root\n", dir, n);
            abort();
        }
    }
    return ts;
}

#endif
