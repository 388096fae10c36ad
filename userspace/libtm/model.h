/* SPDX-License-Identifier: MIT */
/*
 * model.h - the model.bin validator, split in two stages:
 *
 *   model.c           the container: header, section table, section bounds
 *                     and CRCs; maps sections into a struct tm_model.
 *   model_validate.c  the records inside the sections: strings, tensors,
 *                     quantization, ops and their options, subgraphs and
 *                     topological order.
 *
 * The record checks work on a struct tm_model whose section pointers and
 * counts are trusted (the container stage checked them) but whose records
 * are not. The writer builds such a view over its own arrays and runs the
 * same checks, so a bad spec is refused with the message the loader would
 * give for the file.
 */
#ifndef TM_MODEL_H
#define TM_MODEL_H

#include "tm_priv.h"

/* The sections' byte contents: STRINGS and METADATA. */
int tm_validate_strings(const struct tm_model *m, char *err, size_t errlen);
/* One tensor record (needs strings, qparams and data). */
int tm_validate_tensor(const struct tm_model *m, uint32_t i, char *err, size_t errlen);
/* One op record and its options (needs strings, operands, options, tensors). */
int tm_validate_op(const struct tm_model *m, uint32_t i, char *err, size_t errlen);
/* Subgraph records, op ownership and the topological order of every subgraph. */
int tm_validate_graph(const struct tm_model *m, char *err, size_t errlen);
/* Everything above, in an order where each check relies only on earlier ones. */
int tm_validate_records(const struct tm_model *m, char *err, size_t errlen);

#endif /* TM_MODEL_H */
