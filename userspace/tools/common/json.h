/* SPDX-License-Identifier: MIT */
/* json.h - the two JSON writers tmrun --json and tmc --report share. */
#ifndef TM_TOOLS_JSON_H
#define TM_TOOLS_JSON_H

#include <stdio.h>

/** json_str() - @s as a JSON string (NULL prints ""), escaping quotes, backslash, controls. */
void json_str(FILE *f, const char *s);
/** json_num() - a finite number, or null (JSON has no NaN or infinity). */
void json_num(FILE *f, double v);

#endif /* TM_TOOLS_JSON_H */
