/* fuzz_jsonr: jsonr_parse against cJSON, the reference, on arbitrary
 * bytes: both must refuse the text, or build the same tree and stop at
 * the same byte (tests/lib/jsondiff.h).  A difference aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "jsondiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[200];
    if (jsondiff((const char *)data, size, why, sizeof why)) {
        fprintf(stderr, "fuzz_jsonr: %s\n", why);
        abort();
    }
    return 0;
}
