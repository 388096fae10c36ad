/* SPDX-License-Identifier: MIT */
/*
 * tflite_priv.h - state shared by the TFLite importer (tflite_import.c: file,
 * tensors, graph) and its operator handlers (tflite_ops.c).
 */
#ifndef TMC_TFLITE_PRIV_H
#define TMC_TFLITE_PRIV_H

#include "flatbuf.h"
#include "tflite_import.h"

/** struct tfl - one import. */
struct tfl {
	struct fb_buf fb;
	struct ir_graph *g;
	const struct tmc_opts *o;
	int o_n_binds;
	struct fb_vec codes, buffers, subgraphs;
	int rebind;              /* --shape changed an input: shapes are re-inferred */
	/* The subgraph being imported: 0, or an IF branch inlined into it. */
	struct fb_vec tensors, ops;
	int *map;                /* TFLite tensor -> IR tensor, -1 until first use */
	char *ready;             /* TFLite tensor holds a value (input or written) */
	uint32_t sg;             /* its index */
	int depth;               /* IF nesting */
	char prefix[320];        /* prepended to a branch's tensor names */
};

/** struct tfl_op - one operator being imported. */
struct tfl_op {
	int code;                /* BuiltinOperator */
	char ctx[720];           /* "operator 7 (CONV_2D, output 'x')" for messages */
	char name[256];          /* node name: the first output's tensor name */
	struct fb_table opts;    /* builtin_options, if has_opts */
	int has_opts;
	int32_t tin[IR_MAX_IO], tout[IR_MAX_IO]; /* TFLite tensor indices */
	int in[IR_MAX_IO], out[IR_MAX_IO];        /* IR tensors; in[k] -1 if left out */
	int n_in, n_out;
};

/* How an operator's output shape follows from its inputs. */
enum tfl_shape_rule {
	TFL_SHAPE_OWN,           /* the handler computes it */
	TFL_SHAPE_SAME,          /* input 0's */
	TFL_SHAPE_BCAST,         /* inputs 0 and 1 broadcast */
};

/** struct tfl_rule - how one builtin operator is imported. */
struct tfl_rule {
	int code;
	const char *name;
	int min_in;              /* required inputs */
	unsigned opts_type;      /* BuiltinOptions union type read, 0 if none */
	int (*fn)(struct tfl *c, struct tfl_op *op);
	int shape;               /* enum tfl_shape_rule */
};

/*
 * Output @k of @op has shape @shape: checked against the file's shape, or,
 * when --shape rebound an input (c->rebind), set. @return 0 or -1.
 */
int tfl_out_shape(struct tfl *c, const struct tfl_op *op, int k, int rank, const int64_t *shape);
/* The rule-driven shapes (same as input 0, broadcast). */
int tfl_rule_shape(struct tfl *c, const struct tfl_op *op, const struct tfl_rule *r);
/* The rule for builtin @code, or NULL. */
const struct tfl_rule *tfl_rule(int code);
/* IR tensor for TFLite tensor @i, created on first use; @ctx names the user. */
int tfl_tensor(struct tfl *c, int32_t i, const char *ctx);
/*
 * Inline subgraph @sg as an IF branch: its inputs are the IR tensors @in,
 * its @n_out outputs are returned in @out. Tensor names get @prefix.
 */
int tfl_branch(struct tfl *c, uint32_t sg, const int *in, int n_in, int *out, int n_out,
	       const char *prefix, const char *ctx);
/* Report the flatbuffer reader's error with context @what. @return -1. */
int tfl_fb_fail(struct tfl *c, const char *what);

#endif /* TMC_TFLITE_PRIV_H */
