/* SPDX-License-Identifier: MIT */
/*
 * onnx_build.h - tiny helpers that build ONNX models in memory with the
 * protobuf-c bindings, for the compiler's tests and fuzz seeds. Everything is
 * allocated from one arena that ob_reset() frees (LeakSanitizer stays quiet).
 */
#ifndef ONNX_BUILD_H
#define ONNX_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include "onnx.pb-c.h"

#define OB_END ((const char *)0)

void *ob_alloc(size_t n);
void ob_reset(void);

Onnx__TensorProto *ob_tensor_f(const char *name, const int64_t *dims, int rank, const float *data);
Onnx__TensorProto *ob_tensor_i64(const char *name, const int64_t *dims, int rank,
				 const int64_t *data);
Onnx__AttributeProto *ob_attr_i(const char *name, int64_t v);
Onnx__AttributeProto *ob_attr_f(const char *name, float v);
Onnx__AttributeProto *ob_attr_s(const char *name, const char *v);
Onnx__AttributeProto *ob_attr_ints(const char *name, const int64_t *v, int n);
Onnx__AttributeProto *ob_attr_t(const char *name, Onnx__TensorProto *t);
/* inputs and outputs: strings until OB_END, then attributes until NULL. */
Onnx__NodeProto *ob_node(const char *op, const char *name, ...);
/* A float input/output; dims < 0 become symbolic ("N"). */
Onnx__ValueInfoProto *ob_value(const char *name, const int64_t *dims, int rank);

struct ob_graph {
	Onnx__NodeProto *node[64];
	int n_node;
	Onnx__TensorProto *init[64];
	int n_init;
	Onnx__ValueInfoProto *in[8], *out[8];
	int n_in, n_out;
};

/* A graph attribute (an If branch) holding a copy of @g. */
Onnx__AttributeProto *ob_attr_g(const char *name, const struct ob_graph *g);

/* Serialise; the buffer is arena memory. */
uint8_t *ob_pack(const struct ob_graph *g, int opset, size_t *size);

#endif /* ONNX_BUILD_H */
