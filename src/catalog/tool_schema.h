/* tool_schema: the JSON Schema of a tools.d file (schemas/tool.schema.json),
 * compiled into the binary by the Makefile ($(BUILD)/gen/tool_schema.c),
 * so editing the file on disk can never loosen what the gateway accepts. */
#ifndef TOOL_SCHEMA_H
#define TOOL_SCHEMA_H

#include <stddef.h>

/* The file's bytes, NUL-terminated; tool_schema_json_len excludes the NUL. */
extern const char tool_schema_json[];
extern const size_t tool_schema_json_len;

#endif
