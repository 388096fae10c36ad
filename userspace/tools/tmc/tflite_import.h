/* SPDX-License-Identifier: MIT */
/*
 * tflite_import.h - TFLite flatbuffer models -> the compiler's IR.
 *
 * TFLite is already NHWC and its operators are the ones model.bin copies
 * (same operand order, OHWI / 1HW(C*M) / [out, in] weights), so every TFLite
 * operator is imported as an already-lowered node (tm_op set): shape
 * inference and the ONNX lowering have nothing to do, and the clean-up
 * passes, the quantizer and the emitter work on it as on a lowered ONNX
 * graph. Quantized tensors (int8/uint8, per-tensor or per-channel) keep the
 * scales and zero points the file gives them.
 */
#ifndef TMC_TFLITE_IMPORT_H
#define TMC_TFLITE_IMPORT_H

#include <stddef.h>
#include "tmc.h"

/* Does @buf start like a TFLite flatbuffer (identifier "TFL3")? */
int tmc_is_tflite(const void *buf, size_t size);

/*
 * TFLite model bytes -> IR. @return 0, -EINVAL for a malformed or
 * unsupported model (reason in @err, naming the operator and tensor),
 * -ENOMEM.
 */
int tmc_import_tflite_buf(const void *buf, size_t size, const struct tmc_opts *o,
			  struct ir_graph **out, char *err, size_t errlen);

/*
 * A model file: TFLite if its identifier says so, ONNX otherwise. @return as
 * tmc_import_onnx() (a negative errno; -EINVAL for a bad model).
 */
int tmc_import_any(const char *path, const struct tmc_opts *o, struct ir_graph **out,
		   char *err, size_t errlen);

#endif /* TMC_TFLITE_IMPORT_H */
