// SPDX-License-Identifier: MIT
/* onnx_build.c - see onnx_build.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "onnx_build.h"

static void **arena;
static size_t arena_n, arena_cap;

void *ob_alloc(size_t n)
{
	if (arena_n == arena_cap) {
		arena_cap = arena_cap ? arena_cap * 2 : 256;
		arena = realloc(arena, arena_cap * sizeof(*arena));
		if (!arena)
			abort();
	}
	void *p = calloc(1, n ? n : 1);
	if (!p)
		abort();
	arena[arena_n++] = p;
	return p;
}

void ob_reset(void)
{
	for (size_t i = 0; i < arena_n; i++)
		free(arena[i]);
	free(arena);
	arena = NULL;
	arena_n = arena_cap = 0;
}

static char *dup(const char *s)
{
	char *p = ob_alloc(strlen(s) + 1);
	strcpy(p, s);
	return p;
}

static Onnx__TensorProto *tensor(const char *name, const int64_t *dims, int rank, int dt,
				 const void *data, size_t esz)
{
	Onnx__TensorProto *t = ob_alloc(sizeof(*t));
	size_t n = 1;

	onnx__tensor_proto__init(t);
	t->name = dup(name);
	t->data_type = dt;
	t->has_data_type = 1;
	t->n_dims = (size_t)rank;
	t->dims = ob_alloc(sizeof(int64_t) * (size_t)(rank + 1));
	for (int i = 0; i < rank; i++) {
		t->dims[i] = dims[i];
		n *= (size_t)dims[i];
	}
	t->has_raw_data = 1;
	t->raw_data.len = n * esz;
	t->raw_data.data = ob_alloc(n * esz);
	memcpy(t->raw_data.data, data, n * esz);
	return t;
}

Onnx__TensorProto *ob_tensor_f(const char *name, const int64_t *dims, int rank, const float *data)
{
	return tensor(name, dims, rank, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, data, 4);
}

Onnx__TensorProto *ob_tensor_i64(const char *name, const int64_t *dims, int rank,
				 const int64_t *data)
{
	return tensor(name, dims, rank, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, data, 8);
}

static Onnx__AttributeProto *attr(const char *name, int type)
{
	Onnx__AttributeProto *a = ob_alloc(sizeof(*a));
	onnx__attribute_proto__init(a);
	a->name = dup(name);
	a->type = type;
	a->has_type = 1;
	return a;
}

Onnx__AttributeProto *ob_attr_i(const char *name, int64_t v)
{
	Onnx__AttributeProto *a = attr(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
	a->i = v;
	a->has_i = 1;
	return a;
}

Onnx__AttributeProto *ob_attr_f(const char *name, float v)
{
	Onnx__AttributeProto *a = attr(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
	a->f = v;
	a->has_f = 1;
	return a;
}

Onnx__AttributeProto *ob_attr_s(const char *name, const char *v)
{
	Onnx__AttributeProto *a = attr(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
	a->s.data = (uint8_t *)dup(v);
	a->s.len = strlen(v);
	a->has_s = 1;
	return a;
}

Onnx__AttributeProto *ob_attr_ints(const char *name, const int64_t *v, int n)
{
	Onnx__AttributeProto *a = attr(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
	a->n_ints = (size_t)n;
	a->ints = ob_alloc(sizeof(int64_t) * (size_t)(n + 1));
	memcpy(a->ints, v, sizeof(int64_t) * (size_t)n);
	return a;
}

Onnx__AttributeProto *ob_attr_t(const char *name, Onnx__TensorProto *t)
{
	Onnx__AttributeProto *a = attr(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
	a->t = t;
	return a;
}

Onnx__NodeProto *ob_node(const char *op, const char *name, ...)
{
	Onnx__NodeProto *n = ob_alloc(sizeof(*n));
	va_list ap;
	const char *s;

	onnx__node_proto__init(n);
	n->op_type = dup(op);
	n->name = dup(name);
	n->input = ob_alloc(sizeof(char *) * 16);
	n->output = ob_alloc(sizeof(char *) * 16);
	n->attribute = ob_alloc(sizeof(void *) * 16);
	va_start(ap, name);
	while ((s = va_arg(ap, const char *)))
		n->input[n->n_input++] = dup(s);
	while ((s = va_arg(ap, const char *)))
		n->output[n->n_output++] = dup(s);
	Onnx__AttributeProto *a;
	while ((a = va_arg(ap, Onnx__AttributeProto *)))
		n->attribute[n->n_attribute++] = a;
	va_end(ap);
	return n;
}

Onnx__ValueInfoProto *ob_value(const char *name, const int64_t *dims, int rank)
{
	Onnx__ValueInfoProto *v = ob_alloc(sizeof(*v));
	Onnx__TypeProto *tp = ob_alloc(sizeof(*tp));
	Onnx__TypeProto__Tensor *tt = ob_alloc(sizeof(*tt));
	Onnx__TensorShapeProto *sh = ob_alloc(sizeof(*sh));

	onnx__value_info_proto__init(v);
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	onnx__tensor_shape_proto__init(sh);
	v->name = dup(name);
	v->type = tp;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	tt->has_elem_type = 1;
	tt->shape = sh;
	sh->n_dim = (size_t)rank;
	sh->dim = ob_alloc(sizeof(void *) * (size_t)(rank + 1));
	for (int i = 0; i < rank; i++) {
		Onnx__TensorShapeProto__Dimension *d = ob_alloc(sizeof(*d));
		onnx__tensor_shape_proto__dimension__init(d);
		if (dims[i] >= 0) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			d->dim_value = dims[i];
		} else {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			d->dim_param = dup("N");
		}
		sh->dim[i] = d;
	}
	return v;
}

/* The GraphProto of @g; its arrays are @g's own. */
static void fill_graph(Onnx__GraphProto *gp, const struct ob_graph *g, const char *name)
{
	onnx__graph_proto__init(gp);
	gp->name = dup(name);
	gp->n_node = (size_t)g->n_node;
	gp->node = (Onnx__NodeProto **)g->node;
	gp->n_initializer = (size_t)g->n_init;
	gp->initializer = (Onnx__TensorProto **)g->init;
	gp->n_input = (size_t)g->n_in;
	gp->input = (Onnx__ValueInfoProto **)g->in;
	gp->n_output = (size_t)g->n_out;
	gp->output = (Onnx__ValueInfoProto **)g->out;
}

Onnx__AttributeProto *ob_attr_g(const char *name, const struct ob_graph *g)
{
	Onnx__AttributeProto *a = attr(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
	struct ob_graph *copy = ob_alloc(sizeof(*copy));

	*copy = *g; /* the caller's struct may be reused for the next branch */
	a->g = ob_alloc(sizeof(*a->g));
	fill_graph(a->g, copy, name);
	return a;
}

uint8_t *ob_pack(const struct ob_graph *g, int opset, size_t *size)
{
	Onnx__ModelProto m;
	Onnx__GraphProto gp;
	Onnx__OperatorSetIdProto os;
	Onnx__OperatorSetIdProto *osp = &os;

	onnx__model_proto__init(&m);
	onnx__operator_set_id_proto__init(&os);
	os.domain = dup("");
	os.version = opset;
	os.has_version = 1;
	m.ir_version = 7;
	m.has_ir_version = 1;
	m.n_opset_import = 1;
	m.opset_import = &osp;
	m.graph = &gp;
	fill_graph(&gp, g, "test");
	*size = onnx__model_proto__get_packed_size(&m);
	uint8_t *buf = ob_alloc(*size);
	onnx__model_proto__pack(&m, buf);
	return buf;
}
