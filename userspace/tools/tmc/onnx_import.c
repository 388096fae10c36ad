// SPDX-License-Identifier: MIT
/*
 * onnx_import.c - ONNX ModelProto (protobuf-c, bindings generated at build
 * time from Debian's onnx.proto) -> IR with ONNX-level nodes.
 *
 * The importer only translates: initializers and Constant values become
 * constant tensors, graph inputs get their static shapes (dynamic
 * dimensions bound by --shape), nodes keep their op type and attributes.
 * If branches are inlined under a name prefix; tmc_lower() turns the If into
 * a selection once both branches are plain nodes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "onnx.pb-c.h"
#include "tmc.h"

int tmc_read_file(const char *path, void **buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *p;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	p = malloc((size_t)n + 1);
	if (!p) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*buf = p;
	*size = (size_t)n;
	return 0;
}

int tmc_parse_bind(const char *spec, struct tmc_bind *b)
{
	const char *eq = strrchr(spec, '=');
	size_t len;

	if (!eq || eq == spec || (len = (size_t)(eq - spec)) >= sizeof(b->name))
		return -1;
	memcpy(b->name, spec, len);
	b->name[len] = 0;
	b->rank = 0;
	for (const char *p = eq + 1;;) {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (end == p || v < 1 || v > (1 << 30) || b->rank == IR_MAX_RANK)
			return -1;
		b->dims[b->rank++] = v;
		if (!*end)
			return 0;
		if (*end != 'x')
			return -1;
		p = end + 1;
	}
}

struct importer {
	struct ir_graph *g;
	const struct tmc_opts *o;
};

static int dtype_supported(int dt)
{
	return ir_dtype_size(dt) != 0;
}

/* Element count of dims, refusing negatives and absurd sizes. */
static int dims_numel(const int64_t *dims, size_t n, int64_t *out)
{
	int64_t c = 1;
	for (size_t i = 0; i < n; i++) {
		if (dims[i] < 0 || dims[i] > (1ll << 32))
			return -1;
		if (__builtin_mul_overflow(c, dims[i], &c) || c > (1ll << 31))
			return -1;
	}
	*out = c;
	return 0;
}

/* Copy typed field @src (n elements of @esz) converting to the IR's storage. */
static void copy_typed(void *dst, int dt, const void *src, size_t n, int src_kind)
{
	/* src_kind: 0 float_data, 1 int32_data, 2 int64_data, 3 double_data */
	for (size_t i = 0; i < n; i++) {
		double v = src_kind == 0 ? ((const float *)src)[i] :
			   src_kind == 1 ? ((const int32_t *)src)[i] :
			   src_kind == 2 ? (double)((const int64_t *)src)[i] : ((const double *)src)[i];
		/* Clamp out-of-range values instead of converting them (undefined in C). */
		if (dt != IR_FLOAT && !(fabs(v) < 9.2e18))
			v = v > 0 ? 9.2e18 : -9.2e18;
		if (dt == IR_INT32 || dt == IR_INT8 || dt == IR_UINT8 || dt == IR_BOOL)
			v = v < -2147483648.0 ? -2147483648.0 : v > 2147483647.0 ? 2147483647.0 : v;
		switch (dt) {
		case IR_FLOAT: ((float *)dst)[i] = (float)v; break;
		case IR_INT32: ((int32_t *)dst)[i] = (int32_t)v; break;
		case IR_INT64: ((int64_t *)dst)[i] = src_kind == 2 ? ((const int64_t *)src)[i] : (int64_t)v; break;
		default: ((uint8_t *)dst)[i] = (uint8_t)(int)v; break;
		}
	}
}

/* TensorProto -> constant tensor named @name. @return tensor index or -1. */
static int import_tensor(struct ir_graph *g, const Onnx__TensorProto *tp, const char *name)
{
	int64_t numel, shape[IR_MAX_RANK];
	int dt = tp->data_type;
	size_t esz = ir_dtype_size(dt);

	if (tp->n_dims > IR_MAX_RANK)
		return ir_fail(g, "tensor '%s': rank %zu is more than %d", name, tp->n_dims, IR_MAX_RANK);
	if (tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL || tp->n_external_data)
		return ir_fail(g, "tensor '%s': external data is not supported", name);
	if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
		dt = IR_FLOAT, esz = 4; /* doubles only ever feed constant folding */
	else if (!dtype_supported(dt))
		return ir_fail(g, "tensor '%s': data type %d is not supported", name, (int)tp->data_type);
	if (dims_numel(tp->dims, tp->n_dims, &numel))
		return ir_fail(g, "tensor '%s': bad dimensions", name);
	for (size_t i = 0; i < tp->n_dims; i++)
		shape[i] = tp->dims[i];
	int id = ir_const_add(g, name, dt, (int)tp->n_dims, shape, NULL);
	if (id < 0)
		return id;
	void *dst = g->t[id].data;
	size_t n = (size_t)numel;

	if (tp->raw_data.len || (!tp->n_float_data && !tp->n_int32_data && !tp->n_int64_data &&
				 !tp->n_double_data && n)) {
		if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) {
			if (tp->raw_data.len != n * 8)
				goto bad_size;
			for (size_t i = 0; i < n; i++) {
				double v;
				memcpy(&v, tp->raw_data.data + i * 8, 8);
				((float *)dst)[i] = (float)v;
			}
			return id;
		}
		if (tp->raw_data.len != n * esz)
			goto bad_size;
		memcpy(dst, tp->raw_data.data, n * esz);
		return id;
	}
	if (tp->n_float_data) {
		if (tp->n_float_data != n)
			goto bad_size;
		copy_typed(dst, dt, tp->float_data, n, 0);
	} else if (tp->n_int32_data) {
		if (tp->n_int32_data != n)
			goto bad_size;
		copy_typed(dst, dt, tp->int32_data, n, 1);
	} else if (tp->n_int64_data) {
		if (tp->n_int64_data != n)
			goto bad_size;
		copy_typed(dst, dt, tp->int64_data, n, 2);
	} else if (tp->n_double_data) {
		if (tp->n_double_data != n)
			goto bad_size;
		copy_typed(dst, dt, tp->double_data, n, 3);
	}
	return id;
bad_size:
	return ir_fail(g, "tensor '%s': data size does not match its %lld elements of %s", name,
		       (long long)numel, ir_dtype_name(dt));
}

/* "<a><b><c>" into @dst, truncated if it must be (names are for messages and lookup). */
static void cat3(char *dst, size_t n, const char *a, const char *b, const char *c)
{
	if (snprintf(dst, n, "%s%s%s", a, b, c) >= (int)n)
		dst[n - 1] = 0;
}

static const struct tmc_bind *find_bind(const struct tmc_opts *o, const char *name)
{
	for (int i = 0; o && i < o->n_binds; i++)
		if (!strcmp(o->binds[i].name, name))
			return &o->binds[i];
	return NULL;
}

/* A graph input: static shape from its type, dynamic dims from --shape. */
static int import_input(struct importer *im, const Onnx__ValueInfoProto *vi)
{
	struct ir_graph *g = im->g;
	const Onnx__TypeProto *tp = vi->type;
	const struct tmc_bind *b;
	int64_t shape[IR_MAX_RANK];

	if (!vi->name || !vi->name[0])
		return ir_fail(g, "a graph input has no name");
	b = find_bind(im->o, vi->name);

	if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
		return ir_fail(g, "graph input '%s': only tensor inputs are supported", vi->name);
	const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
	if (!dtype_supported(tt->elem_type))
		return ir_fail(g, "graph input '%s': data type %d is not supported", vi->name,
			       (int)tt->elem_type);
	if (!tt->shape && !b)
		return ir_fail(g, "graph input '%s' has no shape: give it with --shape %s=...",
			       vi->name, vi->name);
	int rank = tt->shape ? (int)tt->shape->n_dim : b->rank;
	if (rank > IR_MAX_RANK)
		return ir_fail(g, "graph input '%s': rank %d is more than %d", vi->name, rank, IR_MAX_RANK);
	if (b && b->rank != rank)
		return ir_fail(g, "--shape %s: rank %d, but the model says %d", vi->name, b->rank, rank);
	for (int i = 0; i < rank; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape ? tt->shape->dim[i] : NULL;
		int fixed = d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
			    d->dim_value > 0;
		if (b) {
			if (fixed && d->dim_value != b->dims[i])
				return ir_fail(g, "--shape %s: dim %d is %lld, but the model fixes it to %lld",
					       vi->name, i, (long long)b->dims[i], (long long)d->dim_value);
			shape[i] = b->dims[i];
		} else if (fixed) {
			shape[i] = d->dim_value;
		} else if (i == 0) {
			shape[i] = 1; /* an unbound batch dimension: one sample */
		} else {
			return ir_fail(g, "graph input '%s': dim %d ('%s') is dynamic: bind it with --shape %s=...",
				       vi->name, i, d && d->value_case && d->dim_param ? d->dim_param : "?", vi->name);
		}
	}
	int64_t total;
	if (dims_numel(shape, (size_t)rank, &total))
		return ir_fail(g, "graph input '%s': too many elements", vi->name);
	int id = ir_tensor_add(g, vi->name, tt->elem_type, rank, shape);
	if (id < 0)
		return id;
	if (g->n_in >= (int)(sizeof(g->in) / sizeof(g->in[0])))
		return ir_fail(g, "too many graph inputs");
	g->in[g->n_in++] = id;
	return id;
}

/* Name of a tensor inside an inlined branch: "<prefix><name>". */
static int lookup(struct ir_graph *g, const char *prefix, const char *name)
{
	char buf[1024];

	if (prefix[0]) {
		cat3(buf, sizeof(buf), prefix, name, "");
		int id = ir_tensor_find(g, buf);
		if (id >= 0)
			return id;
	}
	return ir_tensor_find(g, name);
}

static int import_graph(struct importer *im, const Onnx__GraphProto *gp, const char *prefix);

static int import_attr(struct importer *im, struct ir_attr *a, const Onnx__AttributeProto *ap,
		       const char *node, const char *prefix)
{
	struct ir_graph *g = im->g;

	a->name = strdup(ap->name ? ap->name : "");
	a->type = ap->type;
	a->i = ap->i;
	a->f = ap->f;
	a->tensor = -1;
	if (!a->name)
		return ir_fail(g, "out of memory");
	if (ap->s.len) {
		a->s = strndup((const char *)ap->s.data, ap->s.len);
		if (!a->s)
			return ir_fail(g, "out of memory");
	}
	if (ap->n_ints) {
		a->ints = malloc(sizeof(int64_t) * ap->n_ints);
		if (!a->ints)
			return ir_fail(g, "out of memory");
		memcpy(a->ints, ap->ints, sizeof(int64_t) * ap->n_ints);
		a->n_ints = ap->n_ints;
	}
	if (ap->n_floats) {
		a->floats = malloc(sizeof(float) * ap->n_floats);
		if (!a->floats)
			return ir_fail(g, "out of memory");
		memcpy(a->floats, ap->floats, sizeof(float) * ap->n_floats);
		a->n_floats = ap->n_floats;
	}
	if (ap->t) {
		char name[1024], sub[600];
		cat3(sub, sizeof(sub), node, "/", a->name);
		cat3(name, sizeof(name), prefix, sub, "");
		a->tensor = import_tensor(g, ap->t, name);
		if (a->tensor < 0)
			return -1;
	}
	if (ap->g) {
		/* Inline the branch; its outputs are recorded as this attribute's ints. */
		char sub[1024], mid[600];
		cat3(mid, sizeof(mid), node, "/", a->name);
		cat3(sub, sizeof(sub), prefix, mid, "/");
		int before_out = g->n_out;
		if (import_graph(im, ap->g, sub))
			return -1;
		int n = g->n_out - before_out;
		free(a->ints); /* a graph attribute's ints are its outputs */
		a->ints = malloc(sizeof(int64_t) * (size_t)(n + 1));
		if (!a->ints)
			return ir_fail(g, "out of memory");
		for (int i = 0; i < n; i++)
			a->ints[i] = g->out[before_out + i];
		a->n_ints = (size_t)n;
		g->n_out = before_out;
	}
	return 0;
}

/* ONNX Runtime's quantized operators outside the default domain that tmc lowers. */
static int ms_quant_op(const Onnx__NodeProto *np)
{
	static const char *const ops[] = { "QLinearAdd", "QLinearMul", "QGemm" };

	if (strcmp(np->domain, "com.microsoft") || !np->op_type)
		return 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(np->op_type, ops[i]))
			return 1;
	return 0;
}

static int import_node(struct importer *im, const Onnx__NodeProto *np, const char *prefix)
{
	struct ir_graph *g = im->g;
	int in[IR_MAX_IO], out[IR_MAX_IO];
	char nname[1024], oname[1024];
	const char *op = np->op_type ? np->op_type : "";

	cat3(nname, sizeof(nname), prefix,
	     np->name && np->name[0] ? np->name : (np->n_output ? np->output[0] : op), "");
	if (np->domain && np->domain[0] && strcmp(np->domain, "ai.onnx") && !ms_quant_op(np))
		return ir_fail(g, "node '%s' (%s): operator domain '%s' is not supported", nname, op,
			       np->domain);
	if (np->n_input > IR_MAX_IO || np->n_output > IR_MAX_IO)
		return ir_fail(g, "node '%s' (%s): too many inputs or outputs", nname, op);
	for (size_t i = 0; i < np->n_input; i++) {
		if (!np->input[i][0]) {
			in[i] = -1;
			continue;
		}
		in[i] = lookup(g, prefix, np->input[i]);
		if (in[i] < 0)
			return ir_fail(g, "node '%s' (%s): input '%s' is not defined before it", nname, op,
				       np->input[i]);
	}
	for (size_t i = 0; i < np->n_output; i++) {
		cat3(oname, sizeof(oname), prefix, np->output[i], "");
		out[i] = np->output[i][0] ? ir_tensor_add(g, oname, 0, 0, NULL) : -1;
		if (np->output[i][0] && out[i] < 0)
			return -1;
		if (out[i] >= 0)
			g->t[out[i]].rank = -1; /* not inferred yet */
	}
	/* Attributes first: inlined branches must precede the If node itself. */
	struct ir_attr *attrs = calloc(np->n_attribute + 1, sizeof(*attrs));
	if (!attrs)
		return ir_fail(g, "out of memory");
	for (size_t i = 0; i < np->n_attribute; i++) {
		if (import_attr(im, &attrs[i], np->attribute[i], nname, prefix)) {
			for (size_t k = 0; k <= i; k++) {
				free(attrs[k].name);
				free(attrs[k].s);
				free(attrs[k].ints);
				free(attrs[k].floats);
			}
			free(attrs);
			return -1;
		}
	}
	int id = ir_node_add(g, nname, op, in, (int)np->n_input, out, (int)np->n_output);
	if (id < 0) {
		free(attrs);
		return -1;
	}
	g->n[id].attrs = attrs;
	g->n[id].n_attrs = np->n_attribute;
	return 0;
}

static int is_initializer(const Onnx__GraphProto *gp, const char *name)
{
	for (size_t i = 0; i < gp->n_initializer; i++)
		if (gp->initializer[i]->name && !strcmp(gp->initializer[i]->name, name))
			return 1;
	return 0;
}

static int import_graph(struct importer *im, const Onnx__GraphProto *gp, const char *prefix)
{
	struct ir_graph *g = im->g;
	char name[1024];

	for (size_t i = 0; i < gp->n_initializer; i++) {
		cat3(name, sizeof(name), prefix, gp->initializer[i]->name ? gp->initializer[i]->name : "", "");
		if (import_tensor(g, gp->initializer[i], name) < 0)
			return -1;
	}
	/* Only the main graph has real inputs; a branch's inputs must be empty. */
	for (size_t i = 0; i < gp->n_input; i++) {
		if (gp->input[i]->name && is_initializer(gp, gp->input[i]->name))
			continue;
		if (prefix[0])
			return ir_fail(g, "branch graph '%s' has inputs, which If bodies may not", prefix);
		if (import_input(im, gp->input[i]) < 0)
			return -1;
	}
	for (size_t i = 0; i < gp->n_node; i++)
		if (import_node(im, gp->node[i], prefix))
			return -1;
	for (size_t i = 0; i < gp->n_output; i++) {
		if (!gp->output[i]->name)
			return ir_fail(g, "a graph output has no name");
		int id = lookup(g, prefix, gp->output[i]->name);
		if (id < 0)
			return ir_fail(g, "graph output '%s' is not produced by any node", gp->output[i]->name);
		if (g->n_out >= (int)(sizeof(g->out) / sizeof(g->out[0])))
			return ir_fail(g, "too many graph outputs");
		g->out[g->n_out++] = id;
	}
	return 0;
}

static int default_opset(const Onnx__ModelProto *m)
{
	for (size_t i = 0; i < m->n_opset_import; i++) {
		const char *d = m->opset_import[i]->domain;
		if (!d || !d[0] || !strcmp(d, "ai.onnx"))
			return (int)m->opset_import[i]->version;
	}
	return 1;
}

int tmc_import_onnx_buf(const void *buf, size_t size, const struct tmc_opts *o,
			struct ir_graph **out, char *err, size_t errlen)
{
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, size, buf);
	struct importer im = { .o = o };
	int ret = -EINVAL;

	if (!m) {
		snprintf(err, errlen, "not an ONNX model: the protobuf does not parse");
		return -EINVAL;
	}
	if (!m->graph) {
		snprintf(err, errlen, "ONNX model has no graph");
		goto out;
	}
	im.g = ir_graph_new();
	if (!im.g) {
		ret = -ENOMEM;
		goto out;
	}
	im.g->opset = default_opset(m);
	if (import_graph(&im, m->graph, "")) {
		snprintf(err, errlen, "%s", im.g->err);
		ir_graph_free(im.g);
		goto out;
	}
	for (int i = 0; i < o->n_binds; i++) {
		if (ir_tensor_find(im.g, o->binds[i].name) < 0) {
			snprintf(err, errlen, "--shape %s: the model has no input of that name", o->binds[i].name);
			ir_graph_free(im.g);
			goto out;
		}
	}
	*out = im.g;
	ret = 0;
out:
	onnx__model_proto__free_unpacked(m, NULL);
	return ret;
}

int tmc_import_onnx(const char *path, const struct tmc_opts *o, struct ir_graph **out,
		    char *err, size_t errlen)
{
	void *buf;
	size_t size;
	int ret = tmc_read_file(path, &buf, &size);

	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = tmc_import_onnx_buf(buf, size, o, out, err, errlen);
	free(buf);
	return ret;
}
