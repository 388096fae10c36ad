/* SPDX-License-Identifier: MIT */
/*
 * tm.h - libtm, the tmaccel runtime: the one public header.
 *
 * Objects, each opaque:
 *   struct tm_model    a validated model.bin (mmap'ed or in caller memory)
 *   struct tm_runtime  a model prepared for a device: arena, plan, backends
 *   struct tm_builder  writes model.bin files (tests, the tmc compiler)
 *
 * Conventions: functions return 0 (or a non-negative count/index) on success
 * and a negative errno on failure; constructors return the object through an
 * out-pointer. Where a failure needs explaining, the text goes into a caller
 * buffer (err, errlen) or is read back with tm_runtime_error(). The library
 * never prints and never exits.
 */
#ifndef TM_H
#define TM_H

#include <stddef.h>
#include <stdint.h>
#include "tm_format.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TM_BUILDING_LIB)
#define TM_API __attribute__((visibility("default")))
#else
#define TM_API
#endif

#define TM_ERRLEN 256 /* a comfortable size for err buffers */

/* ---- names and sizes ---------------------------------------------------- */

/** @return the op's name ("CONV_2D"), or NULL for an invalid opcode. */
TM_API const char *tm_opcode_name(unsigned opcode);
/** @return the dtype's name ("int8"), or NULL. */
TM_API const char *tm_dtype_name(unsigned dtype);
/** @return sizeof the options struct for @opcode, or -1 for an invalid opcode. */
TM_API int tm_fmt_options_size(unsigned opcode);
/**
 * tm_fmt_tensor_bytes() - bytes a tensor's data takes in memory and on disk.
 * @dtype: enum tm_dtype.
 * @layout: enum tm_layout.
 * @shape: @rank dimensions, each >= 1.
 * @rank: 0..TM_MAX_RANK.
 * @out: the size (int4 packed, 2:4 values + indices).
 * @return 0, or -EINVAL for a bad dtype/layout/shape, -EOVERFLOW on overflow.
 */
TM_API int tm_fmt_tensor_bytes(unsigned dtype, unsigned layout, const int32_t *shape,
			       unsigned rank, uint64_t *out);
/** @return the element count of a validated shape (dimensions >= 1, product <= 2^40). */
static inline size_t tm_shape_elems(const int32_t *shape, unsigned rank)
{
	size_t n = 1;

	for (unsigned i = 0; i < rank; i++)
		n *= (size_t)shape[i];
	return n;
}
/** @return CRC-32 (IEEE 802.3, as zlib's crc32()) of @len bytes, continuing @crc. */
TM_API uint32_t tm_crc32(uint32_t crc, const void *buf, size_t len);

/* ---- models --------------------------------------------------------------- */

struct tm_model;

/**
 * tm_model_open() - map and validate a model.bin file.
 * @path: file to open.
 * @out: the model on success.
 * @err: receives a message naming the first problem found; may be NULL.
 * @errlen: size of @err.
 * @return 0, -ENOENT/-EACCES/... for I/O errors, -EINVAL for a malformed model.
 */
TM_API int tm_model_open(const char *path, struct tm_model **out, char *err, size_t errlen);
/** tm_model_from_buffer() - as tm_model_open(), over caller memory that must outlive the model. */
TM_API int tm_model_from_buffer(const void *buf, size_t size, struct tm_model **out,
				char *err, size_t errlen);
TM_API void tm_model_close(struct tm_model *model);

/** struct tm_tensor_info - what a caller may know of a tensor. */
struct tm_tensor_info {
	const char *name;
	unsigned dtype;          /* enum tm_dtype */
	unsigned layout;         /* enum tm_layout */
	unsigned rank;
	int32_t shape[TM_MAX_RANK];
	uint64_t bytes;          /* tm_fmt_tensor_bytes() */
	unsigned is_const;
	unsigned qparam_count;   /* 0: not quantized */
	int32_t quant_axis;
	float scale;             /* first quantization parameter, if any */
	int32_t zero_point;
};

/** struct tm_op_info - what a caller may know of an op. */
struct tm_op_info {
	const char *name;
	unsigned opcode;
	unsigned placement;      /* enum tm_placement (the model's hint) */
	unsigned n_inputs, n_outputs;
	const uint32_t *inputs;  /* tensor indices, TM_FMT_NONE for absent */
	const uint32_t *outputs;
	const void *options;     /* the typed options struct of the opcode */
};

TM_API unsigned tm_model_num_tensors(const struct tm_model *model);
TM_API unsigned tm_model_num_ops(const struct tm_model *model);   /* subgraph 0 */
TM_API unsigned tm_model_num_inputs(const struct tm_model *model);
TM_API unsigned tm_model_num_outputs(const struct tm_model *model);
/** @return the tensor index of graph input @i, or a negative errno. */
TM_API int tm_model_input(const struct tm_model *model, unsigned i);
TM_API int tm_model_output(const struct tm_model *model, unsigned i);
TM_API int tm_model_tensor_info(const struct tm_model *model, unsigned tensor,
				struct tm_tensor_info *info);
TM_API int tm_model_op_info(const struct tm_model *model, unsigned op, struct tm_op_info *info);
/** @return the const data of a tensor (NULL if not const). */
TM_API const void *tm_model_tensor_data(const struct tm_model *model, unsigned tensor);
/** @return the value stored under @key by tm_builder_set_metadata(), or NULL. */
TM_API const char *tm_model_metadata(const struct tm_model *model, const char *key);

/* ---- running ------------------------------------------------------------- */

struct tm_runtime;

/**
 * enum tm_offload - which ops a device takes (tm_runtime_options.offload).
 * @TM_OFFLOAD_COST: an op the device can run goes there only if its
 *                   estimated device time beats the CPU's (the default).
 * @TM_OFFLOAD_ALL: every op the device can run goes there (tests, demos).
 * TM_OFFLOAD=cost|all in the environment overrides the option.
 */
enum tm_offload {
	TM_OFFLOAD_COST = 0,
	TM_OFFLOAD_ALL = 1,
};

/** struct tm_runtime_options - how to run; zero-initialise for defaults. */
struct tm_runtime_options {
	const char *device;      /* "auto" (NULL), "cpu", "sim", "drm" */
	unsigned profile;        /* 1: time every op on every invoke */
	unsigned offload;        /* enum tm_offload */
};

/**
 * tm_runtime_new() - prepare a model to run: validate op semantics, plan the
 * arena, precompute per-op state. Nothing is allocated per inference after this.
 * @model: stays owned by the caller and must outlive the runtime.
 * @return 0; -EINVAL (model the runtime cannot run, message in @err),
 *         -ENODEV (requested device missing), -ENOMEM.
 */
TM_API int tm_runtime_new(const struct tm_model *model, const struct tm_runtime_options *opts,
			  struct tm_runtime **out, char *err, size_t errlen);
TM_API void tm_runtime_del(struct tm_runtime *rt);
/** @return the message of the last failure of @rt ("" if none). */
TM_API const char *tm_runtime_error(const struct tm_runtime *rt);
/** @return the name of the device the runtime uses ("cpu", ...). */
TM_API const char *tm_runtime_device(const struct tm_runtime *rt);

/** @return the buffer of graph input @i (its bytes in *@bytes), NULL if out of range. */
TM_API void *tm_runtime_input(struct tm_runtime *rt, unsigned i, size_t *bytes);
/** @return the buffer of graph output @i, valid until the next invoke. */
TM_API const void *tm_runtime_output(struct tm_runtime *rt, unsigned i, size_t *bytes);
/** tm_runtime_invoke() - run the model once on the inputs' current contents. */
TM_API int tm_runtime_invoke(struct tm_runtime *rt);
/** @return bytes of the activation arena (the planner's result). */
TM_API size_t tm_runtime_arena_size(const struct tm_runtime *rt);

/** struct tm_layer_profile - one op of the last invoke (profile enabled). */
struct tm_layer_profile {
	unsigned op;             /* op index */
	const char *placement;   /* "cpu", "device" */
	const char *reason;      /* why this placement */
	uint64_t ns;             /* wall time of the op */
	uint64_t cycles;         /* device cycles, 0 on the CPU */
	uint64_t macs;           /* useful multiply-accumulates */
	double mac_util;         /* device: macs / (cycles * the array's peak MACs per cycle) */
};
TM_API int tm_runtime_profile(const struct tm_runtime *rt, unsigned op,
			      struct tm_layer_profile *prof);

/* ---- writing models -------------------------------------------------------- */

struct tm_builder;

/** struct tm_tensor_spec - a tensor to add; data is copied. */
struct tm_tensor_spec {
	const char *name;
	unsigned dtype, layout, rank;
	int32_t shape[TM_MAX_RANK];
	const void *data;        /* const data (exactly tm_fmt_tensor_bytes()), or NULL */
	size_t data_size;
	unsigned qparam_count;   /* 0, 1 or shape[quant_axis] */
	int32_t quant_axis;      /* -1 per-tensor */
	const float *scales;
	const int32_t *zero_points; /* NULL: all zero */
};

TM_API struct tm_builder *tm_builder_new(void);
TM_API void tm_builder_del(struct tm_builder *b);
/** @return the new tensor's index, or a negative errno. */
TM_API int tm_builder_add_tensor(struct tm_builder *b, const struct tm_tensor_spec *spec);
/** @return the new op's index (in the current subgraph), or a negative errno. */
TM_API int tm_builder_add_op(struct tm_builder *b, unsigned opcode, const char *name,
			     const uint32_t *inputs, unsigned n_inputs,
			     const uint32_t *outputs, unsigned n_outputs,
			     const void *options, size_t options_size, unsigned placement);
/**
 * tm_builder_begin_subgraph() - ops added from now on go to a new subgraph
 * (control-flow bodies); subgraph 0 exists from the start.
 * @return the subgraph index.
 */
TM_API int tm_builder_begin_subgraph(struct tm_builder *b, const char *name);
/** tm_builder_set_io() - set the inputs and outputs of the current subgraph. */
TM_API int tm_builder_set_io(struct tm_builder *b, const uint32_t *inputs, unsigned n_inputs,
			     const uint32_t *outputs, unsigned n_outputs);
TM_API int tm_builder_set_metadata(struct tm_builder *b, const char *key, const char *value);
/** tm_builder_finish() - serialise; *@buf is malloc'ed and the caller's to free(). */
TM_API int tm_builder_finish(struct tm_builder *b, void **buf, size_t *size);
TM_API int tm_builder_write(struct tm_builder *b, const char *path);
/** @return the message of the last failure of @b ("" if none). */
TM_API const char *tm_builder_error(const struct tm_builder *b);

#ifdef __cplusplus
}
#endif
#endif /* TM_H */
