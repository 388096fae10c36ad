/* SPDX-License-Identifier: MIT */
/*
 * ir.h - the compiler's graph IR.
 *
 * One graph holds tensors and nodes. A node starts life as an ONNX operator
 * (op != NULL, attributes attached) and is lowered into a model.bin operator
 * (tm_op != 0, typed options in opts). Every tensor's shape is the real shape
 * of its data at that point, so the graph is consistent after every pass: the
 * NCHW -> NHWC conversion inserts explicit transposes that later passes sink
 * and cancel.
 */
#ifndef TMC_IR_H
#define TMC_IR_H

#include <stddef.h>
#include <stdint.h>
#include "tm.h"

#define IR_MAX_RANK 8
#define IR_MAX_IO   16

/* Element types use the ONNX TensorProto.DataType numbers. */
enum ir_dtype {
	IR_FLOAT = 1,
	IR_UINT8 = 2,
	IR_INT8 = 3,
	IR_INT32 = 6,
	IR_INT64 = 7,
	IR_BOOL = 9,
	IR_INT4 = 22, /* ONNX's number for INT4; only produced by the quantizer */
};

/** struct ir_quant - quantization of a tensor (scale/zp per channel or one). */
struct ir_quant {
	unsigned count;          /* 0: not quantized */
	int axis;                /* -1 per-tensor */
	float *scale;
	int32_t *zp;
};

struct ir_tensor {
	char *name;
	int dtype;               /* enum ir_dtype */
	int rank;
	int64_t shape[IR_MAX_RANK];
	void *data;              /* constant data (host layout of dtype), or NULL */
	int producer;            /* node index, -1 for inputs and constants */
	unsigned layout;         /* enum tm_layout of const data */
	struct ir_quant q;
	/* Calibration range seen on this tensor (float models). */
	int has_range;
	float lo, hi;
};

/** struct ir_attr - an ONNX attribute, kept as parsed. */
struct ir_attr {
	char *name;
	int type;                /* ONNX AttributeProto.AttributeType */
	int64_t i;
	float f;
	char *s;
	int64_t *ints;
	size_t n_ints;
	float *floats;
	size_t n_floats;
	int tensor;              /* tensor index in the graph, or -1 */
	struct ir_graph *g;      /* If branches */
};

struct ir_node {
	char *name;
	char *op;                /* ONNX op type, NULL once lowered */
	unsigned tm_op;          /* enum tm_opcode once lowered */
	uint8_t opts[96];        /* typed options of tm_op */
	size_t opts_size;
	unsigned placement;
	int in[IR_MAX_IO], n_in; /* -1: absent optional input */
	int out[IR_MAX_IO], n_out;
	struct ir_attr *attrs;
	size_t n_attrs;
	int dead;
	int keep_float;          /* the quantizer leaves this op in float */
};

struct ir_graph {
	struct ir_tensor *t;
	int n_t, cap_t;
	struct ir_node *n;
	int n_n, cap_n;
	int in[IR_MAX_IO * 4], n_in;
	int out[4096], n_out;     /* calibration makes every activation an output */
	int opset;               /* default-domain opset of the source model */
	char err[512];           /* first error */
};

/* ---- graph construction -------------------------------------------------- */
struct ir_graph *ir_graph_new(void);
void ir_graph_free(struct ir_graph *g);
/* Add a tensor; name is copied. @return its index, -1 on allocation failure. */
int ir_tensor_add(struct ir_graph *g, const char *name, int dtype, int rank, const int64_t *shape);
/* Add a constant tensor; data (n bytes) is copied. */
int ir_const_add(struct ir_graph *g, const char *name, int dtype, int rank, const int64_t *shape,
		 const void *data);
int ir_const_f32(struct ir_graph *g, const char *name, int rank, const int64_t *shape,
		 const float *data);
int ir_tensor_find(const struct ir_graph *g, const char *name);
/* Add a node (ONNX op or lowered); inputs/outputs copied. @return node index. */
int ir_node_add(struct ir_graph *g, const char *name, const char *op, const int *in, int n_in,
		const int *out, int n_out);
int ir_node_add_tm(struct ir_graph *g, const char *name, unsigned tm_op, const void *opts,
		   size_t opts_size, const int *in, int n_in, const int *out, int n_out);
/* A fresh derived tensor "<base>/<suffix>" with the given shape. */
int ir_tensor_derive(struct ir_graph *g, int base, const char *suffix, int dtype, int rank,
		     const int64_t *shape);
/* Record the first error (node name and op type are the caller's business). */
int ir_fail(struct ir_graph *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- queries ----------------------------------------------------------- */
int64_t ir_numel(const struct ir_tensor *t);
size_t ir_dtype_size(int dtype);
const char *ir_dtype_name(int dtype);
const struct ir_attr *ir_attr_get(const struct ir_node *n, const char *name);
int64_t ir_attr_int(const struct ir_node *n, const char *name, int64_t def);
float ir_attr_float(const struct ir_node *n, const char *name, float def);
const char *ir_attr_str(const struct ir_node *n, const char *name, const char *def);
/* Number of live nodes reading tensor @t (graph outputs count as one each). */
int ir_consumers(const struct ir_graph *g, int t);
int ir_is_output(const struct ir_graph *g, int t);
/* Replace every use of tensor @from by @to (nodes and graph outputs). */
void ir_replace_uses(struct ir_graph *g, int from, int to);
/* Constant data as float / int64, converting from the stored dtype. */
float ir_const_get_f(const struct ir_tensor *t, int64_t i);
int64_t ir_const_get_i(const struct ir_tensor *t, int64_t i);
/* Shape to text "1x16x96" for messages. */
const char *ir_shape_str(const struct ir_tensor *t, char *buf, size_t len);

/* ---- whole-graph steps ----------------------------------------------- */
/* Drop dead nodes and unused tensors' producers, sort topologically. */
int ir_compact(struct ir_graph *g);

#endif /* TMC_IR_H */
