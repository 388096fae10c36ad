// SPDX-License-Identifier: MIT
/*
 * writer.c - build model.bin files in memory (tm_builder_*).
 *
 * Records are kept in growable byte arrays laid out exactly as their
 * sections, so finishing is concatenation plus CRCs. Every added tensor and
 * op is checked at once by the loader's own record checks (model_validate.c)
 * over a view of the arrays, and the finished file is loaded once more
 * before it is handed out: the writer cannot emit a file the loader refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

struct bytes {
	uint8_t *p;
	size_t len, cap;
};

struct tm_builder {
	struct bytes tensors, qparams, ops, operands, options, subgraphs, strings, data, metadata;
	uint32_t *str_hash;      /* open addressing: string offset + 1, 0 = empty */
	uint32_t str_hash_cap;   /* power of two */
	uint32_t str_count;
	uint32_t cur;            /* current subgraph */
	char err[TM_ERRLEN];
};

#define COUNT(b, field, type) ((uint32_t)((b)->field.len / sizeof(type)))

static int __attribute__((format(printf, 3, 4))) fail(struct tm_builder *b, int ret,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tm_vset_error(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
	return ret;
}

/* ---- byte arrays ------------------------------------------------------------- */

static int bytes_reserve(struct bytes *a, size_t more)
{
	size_t cap = a->cap ? a->cap : 256;
	uint8_t *p;

	if (more > SIZE_MAX / 2 - a->len)
		return -ENOMEM;
	if (a->len + more <= a->cap)
		return 0;
	while (cap < a->len + more)
		cap *= 2;
	p = realloc(a->p, cap);
	if (!p)
		return -ENOMEM;
	a->p = p;
	a->cap = cap;
	return 0;
}

/* Append @n bytes (zeros if @src is NULL) after padding to @align. */
static int bytes_append(struct bytes *a, const void *src, size_t n, size_t align)
{
	size_t pad = (align - a->len % align) % align;

	if (bytes_reserve(a, pad + n))
		return -ENOMEM;
	memset(a->p + a->len, 0, pad);
	a->len += pad;
	if (src)
		memcpy(a->p + a->len, src, n);
	else
		memset(a->p + a->len, 0, n);
	a->len += n;
	return 0;
}

/* ---- strings: deduplicated through a small hash table ------------------------ */

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static uint32_t *str_slot(struct tm_builder *b, const char *s)
{
	uint32_t mask = b->str_hash_cap - 1, i = str_hash(s) & mask;

	while (b->str_hash[i] && strcmp((char *)b->strings.p + b->str_hash[i] - 1, s))
		i = (i + 1) & mask;
	return &b->str_hash[i];
}

static int str_grow(struct tm_builder *b)
{
	uint32_t *old = b->str_hash, old_cap = b->str_hash_cap;

	b->str_hash_cap = old_cap ? old_cap * 2 : 64;
	b->str_hash = calloc(b->str_hash_cap, sizeof(*b->str_hash));
	if (!b->str_hash) {
		b->str_hash = old;
		b->str_hash_cap = old_cap;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i])
			*str_slot(b, (char *)b->strings.p + old[i] - 1) = old[i];
	free(old);
	return 0;
}

/* @return the STRINGS offset of @s (added if new), or a negative errno. */
static int64_t intern(struct tm_builder *b, const char *s)
{
	uint32_t *slot;
	size_t n;

	if (!s || !*s)
		return 0;
	if (2 * (b->str_count + 1) > b->str_hash_cap && str_grow(b))
		return -ENOMEM;
	slot = str_slot(b, s);
	if (*slot)
		return *slot - 1;
	n = strlen(s) + 1;
	if (b->strings.len + n > UINT32_MAX - 1)
		return fail(b, -EOVERFLOW, "STRINGS would exceed 4 GiB");
	if (bytes_append(&b->strings, s, n, 1))
		return -ENOMEM;
	*slot = (uint32_t)(b->strings.len - n + 1);
	b->str_count++;
	return *slot - 1;
}

/* Each section's array, by section type. */
static const struct bytes *section_bytes(const struct tm_builder *b, unsigned type)
{
	switch (type) {
	case TM_SECTION_STRINGS: return &b->strings;
	case TM_SECTION_TENSORS: return &b->tensors;
	case TM_SECTION_QPARAMS: return &b->qparams;
	case TM_SECTION_OPS: return &b->ops;
	case TM_SECTION_OPERANDS: return &b->operands;
	case TM_SECTION_OPTIONS: return &b->options;
	case TM_SECTION_SUBGRAPHS: return &b->subgraphs;
	case TM_SECTION_DATA: return &b->data;
	default: return &b->metadata;
	}
}

/* ---- builder ------------------------------------------------------------------- */

static struct tm_fmt_subgraph *cur_graph(struct tm_builder *b)
{
	return (struct tm_fmt_subgraph *)b->subgraphs.p + b->cur;
}

/* The arrays seen as a model, for the loader's record checks. */
static void view(const struct tm_builder *b, struct tm_model *m)
{
	memset(m, 0, sizeof(*m));
	m->tensors = (const void *)b->tensors.p;
	m->n_tensors = COUNT(b, tensors, struct tm_fmt_tensor);
	m->qparams = (const void *)b->qparams.p;
	m->n_qparams = COUNT(b, qparams, struct tm_fmt_qparam);
	m->ops = (const void *)b->ops.p;
	m->n_ops = COUNT(b, ops, struct tm_fmt_op);
	m->operands = (const void *)b->operands.p;
	m->n_operands = COUNT(b, operands, uint32_t);
	m->options = b->options.p;
	m->options_size = (uint32_t)b->options.len;
	m->subgraphs = (const void *)b->subgraphs.p;
	m->n_subgraphs = COUNT(b, subgraphs, struct tm_fmt_subgraph);
	m->strings = (const char *)b->strings.p;
	m->strings_size = (uint32_t)b->strings.len;
	m->data = b->data.p;
	m->data_size = b->data.len;
}

struct tm_builder *tm_builder_new(void)
{
	struct tm_builder *b = calloc(1, sizeof(*b));
	struct tm_fmt_subgraph sg = { 0 };

	if (!b)
		return NULL;
	/* STRINGS starts with "" (offset 0); subgraph 0, the model, always exists. */
	if (bytes_append(&b->strings, "", 1, 1) || str_grow(b) ||
	    bytes_append(&b->subgraphs, &sg, sizeof(sg), 1)) {
		tm_builder_del(b);
		return NULL;
	}
	return b;
}

void tm_builder_del(struct tm_builder *b)
{
	if (!b)
		return;
	for (unsigned type = 1; type < TM_SECTION_TYPE_MAX; type++)
		free(section_bytes(b, type)->p);
	free(b->str_hash);
	free(b);
}

const char *tm_builder_error(const struct tm_builder *b)
{
	return b ? b->err : "";
}

/* ---- tensors --------------------------------------------------------------------- */

static int append_qparams(struct tm_builder *b, uint32_t i, const struct tm_tensor_spec *spec,
			  struct tm_fmt_tensor *t)
{
	if (!spec->qparam_count) {
		t->qparam_first = TM_FMT_NONE;
		t->quant_axis = -1;
		return 0;
	}
	if (!spec->scales)
		return fail(b, -EINVAL, "tensor %u: %u quantization parameters but no scales",
			    i, spec->qparam_count);
	if (spec->qparam_count > INT32_MAX / sizeof(struct tm_fmt_qparam))
		return fail(b, -EINVAL, "tensor %u: %u quantization parameters is too many",
			    i, spec->qparam_count);
	t->qparam_first = COUNT(b, qparams, struct tm_fmt_qparam);
	t->qparam_count = spec->qparam_count;
	t->quant_axis = spec->quant_axis;
	for (unsigned k = 0; k < spec->qparam_count; k++) {
		struct tm_fmt_qparam q = {
			.scale = spec->scales[k],
			.zero_point = spec->zero_points ? spec->zero_points[k] : 0,
		};

		if (bytes_append(&b->qparams, &q, sizeof(q), 1))
			return -ENOMEM;
	}
	return 0;
}

/* Fill the record from the spec; const data is appended to DATA here. */
static int tensor_record(struct tm_builder *b, uint32_t i, const struct tm_tensor_spec *spec,
			 struct tm_fmt_tensor *t)
{
	/* Guard the narrowing into the record's uint8 fields and the shape copy. */
	if (spec->dtype > UINT8_MAX || spec->layout > UINT8_MAX || spec->rank > TM_MAX_RANK)
		return fail(b, -EINVAL, "tensor %u: dtype %u, layout %u or rank %u out of range",
			    i, spec->dtype, spec->layout, spec->rank);
	if (!spec->data != !spec->data_size)
		return fail(b, -EINVAL, "tensor %u: data %p with data_size %zu", i, spec->data,
			    spec->data_size);
	memset(t, 0, sizeof(*t));
	t->dtype = (uint8_t)spec->dtype;
	t->layout = (uint8_t)spec->layout;
	t->rank = (uint8_t)spec->rank;
	memcpy(t->shape, spec->shape, spec->rank * sizeof(t->shape[0]));
	if (spec->data) {
		if (bytes_append(&b->data, spec->data, spec->data_size, TM_FMT_ALIGN))
			return -ENOMEM;
		t->flags = TM_TENSOR_F_CONST;
		t->data_offset = b->data.len - spec->data_size;
		t->data_size = spec->data_size;
	}
	return append_qparams(b, i, spec, t);
}

int tm_builder_add_tensor(struct tm_builder *b, const struct tm_tensor_spec *spec)
{
	size_t qlen = b ? b->qparams.len : 0, dlen = b ? b->data.len : 0;
	uint32_t i;
	struct tm_fmt_tensor t;
	struct tm_model m;
	int64_t name;
	int ret;

	if (!b || !spec)
		return -EINVAL;
	i = COUNT(b, tensors, struct tm_fmt_tensor);
	if (i >= INT32_MAX)
		return fail(b, -EOVERFLOW, "too many tensors");
	ret = tensor_record(b, i, spec, &t);
	if (ret)
		goto out_undo;
	ret = -ENOMEM;
	if (bytes_append(&b->tensors, &t, sizeof(t), 1))
		goto out_undo;
	view(b, &m);
	ret = tm_validate_tensor(&m, i, b->err, sizeof(b->err));
	b->tensors.len -= sizeof(t);
	if (ret)
		goto out_undo;
	name = intern(b, spec->name);
	ret = name < 0 ? (int)name : -ENOMEM;
	t.name = (uint32_t)name;
	if (name < 0 || bytes_append(&b->tensors, &t, sizeof(t), 1))
		goto out_undo;
	return (int)i;

out_undo:
	b->qparams.len = qlen;
	b->data.len = dlen;
	if (ret == -ENOMEM)
		fail(b, ret, "out of memory");
	return ret;
}

/* ---- ops ------------------------------------------------------------------------------ */

static int append_indices(struct bytes *a, const uint32_t *idx, unsigned n)
{
	if (n && !idx)
		return -EINVAL;
	return bytes_append(a, idx, n * sizeof(*idx), 1);
}

int tm_builder_add_op(struct tm_builder *b, unsigned opcode, const char *name,
		      const uint32_t *inputs, unsigned n_inputs,
		      const uint32_t *outputs, unsigned n_outputs,
		      const void *options, size_t options_size, unsigned placement)
{
	size_t olen, plen;
	struct tm_fmt_op op = { 0 };
	struct tm_model m;
	uint32_t j;
	int64_t nm;
	int ret;

	if (!b)
		return -EINVAL;
	olen = b->operands.len, plen = b->options.len;
	j = COUNT(b, ops, struct tm_fmt_op);
	/* Guard the narrowing into the record's uint16/uint8 fields. */
	if (opcode > UINT16_MAX || placement > UINT8_MAX || n_inputs > TM_MAX_OP_INPUTS ||
	    n_outputs > TM_MAX_OP_OUTPUTS || options_size > UINT32_MAX)
		return fail(b, -EINVAL, "op %u: opcode %u, placement %u, %u inputs, %u outputs or options_size %zu out of range",
			    j, opcode, placement, n_inputs, n_outputs, options_size);
	if (options_size && !options)
		return fail(b, -EINVAL, "op %u: options_size %zu without options", j, options_size);
	op.opcode = (uint16_t)opcode;
	op.placement = (uint8_t)placement;
	op.operands_first = COUNT(b, operands, uint32_t);
	op.n_inputs = (uint16_t)n_inputs;
	op.n_outputs = (uint16_t)n_outputs;
	op.options_size = (uint32_t)options_size;
	ret = append_indices(&b->operands, inputs, n_inputs);
	if (!ret)
		ret = append_indices(&b->operands, outputs, n_outputs);
	if (!ret && options_size) {
		ret = bytes_append(&b->options, options, options_size, 4);
		op.options_offset = (uint32_t)(b->options.len - options_size);
	}
	if (!ret)
		ret = bytes_append(&b->ops, &op, sizeof(op), 1);
	if (ret == -EINVAL)
		fail(b, ret, "op %u: NULL inputs or outputs", j);
	if (ret)
		goto out_undo;
	view(b, &m);
	ret = tm_validate_op(&m, j, b->err, sizeof(b->err));
	b->ops.len -= sizeof(op);
	if (ret)
		goto out_undo;
	nm = intern(b, name);
	ret = nm < 0 ? (int)nm : -ENOMEM;
	op.name = (uint32_t)nm;
	if (nm < 0 || bytes_append(&b->ops, &op, sizeof(op), 1))
		goto out_undo;
	return (int)cur_graph(b)->ops_count++;

out_undo:
	b->operands.len = olen;
	b->options.len = plen;
	if (ret == -ENOMEM)
		fail(b, ret, "out of memory");
	return ret;
}

/* ---- subgraphs and metadata ---------------------------------------------------------- */

int tm_builder_begin_subgraph(struct tm_builder *b, const char *name)
{
	struct tm_fmt_subgraph sg = { 0 };
	int64_t nm;

	if (!b)
		return -EINVAL;
	nm = intern(b, name);
	if (nm < 0)
		return fail(b, (int)nm, "out of memory");
	sg.name = (uint32_t)nm;
	sg.ops_first = COUNT(b, ops, struct tm_fmt_op);
	if (bytes_append(&b->subgraphs, &sg, sizeof(sg), 1))
		return fail(b, -ENOMEM, "out of memory");
	b->cur = COUNT(b, subgraphs, struct tm_fmt_subgraph) - 1;
	return (int)b->cur;
}

/* Setting the io again replaces it; the old operand entries stay unused. */
int tm_builder_set_io(struct tm_builder *b, const uint32_t *inputs, unsigned n_inputs,
		      const uint32_t *outputs, unsigned n_outputs)
{
	uint32_t first, n;

	if (!b)
		return -EINVAL;
	first = COUNT(b, operands, uint32_t);
	if (n_inputs > UINT16_MAX || n_outputs > UINT16_MAX)
		return fail(b, -EINVAL, "subgraph %u: %u inputs, %u outputs: at most %u each",
			    b->cur, n_inputs, n_outputs, UINT16_MAX);
	if ((n_inputs && !inputs) || (n_outputs && !outputs))
		return fail(b, -EINVAL, "subgraph %u: NULL inputs or outputs", b->cur);
	n = COUNT(b, tensors, struct tm_fmt_tensor);
	for (unsigned k = 0; k < n_inputs + n_outputs; k++) {
		uint32_t t = k < n_inputs ? inputs[k] : outputs[k - n_inputs];

		if (t >= n)
			return fail(b, -EINVAL, "subgraph %u: %s %u is tensor %u, but there are %u tensors",
				    b->cur, k < n_inputs ? "input" : "output",
				    k < n_inputs ? k : k - n_inputs, t, n);
	}
	if (append_indices(&b->operands, inputs, n_inputs) ||
	    append_indices(&b->operands, outputs, n_outputs)) {
		b->operands.len = first * sizeof(uint32_t);
		return fail(b, -ENOMEM, "out of memory");
	}
	cur_graph(b)->operands_first = first;
	cur_graph(b)->n_inputs = (uint16_t)n_inputs;
	cur_graph(b)->n_outputs = (uint16_t)n_outputs;
	return 0;
}

static int has_key(const struct tm_builder *b, const char *key)
{
	const char *p = (const char *)b->metadata.p, *end = p + b->metadata.len;

	while (p < end) {
		const char *value = p + strlen(p) + 1;

		if (!strcmp(p, key))
			return 1;
		p = value + strlen(value) + 1;
	}
	return 0;
}

int tm_builder_set_metadata(struct tm_builder *b, const char *key, const char *value)
{
	size_t kn, vn, len;

	if (!b)
		return -EINVAL;
	if (!key || !*key || !value)
		return fail(b, -EINVAL, "metadata: empty key or NULL value");
	if (has_key(b, key))
		return fail(b, -EEXIST, "metadata: key \"%s\" is already set", key);
	kn = strlen(key) + 1, vn = strlen(value) + 1;
	len = b->metadata.len;
	if (len + kn + vn > UINT32_MAX)
		return fail(b, -EOVERFLOW, "METADATA would exceed 4 GiB");
	if (bytes_append(&b->metadata, key, kn, 1) || bytes_append(&b->metadata, value, vn, 1)) {
		b->metadata.len = len;
		return fail(b, -ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- serialisation ------------------------------------------------------------------ */

static uint64_t align_up(uint64_t v)
{
	return (v + TM_FMT_ALIGN - 1) / TM_FMT_ALIGN * TM_FMT_ALIGN;
}

/* Count of a section: records for record sections, bytes for the others. */
static uint32_t section_count(unsigned type, size_t len)
{
	switch (type) {
	case TM_SECTION_TENSORS: return (uint32_t)(len / sizeof(struct tm_fmt_tensor));
	case TM_SECTION_QPARAMS: return (uint32_t)(len / sizeof(struct tm_fmt_qparam));
	case TM_SECTION_OPS: return (uint32_t)(len / sizeof(struct tm_fmt_op));
	case TM_SECTION_OPERANDS: return (uint32_t)(len / sizeof(uint32_t));
	case TM_SECTION_SUBGRAPHS: return (uint32_t)(len / sizeof(struct tm_fmt_subgraph));
	default: return (uint32_t)len;
	}
}

/* Lay out header, table and sections (METADATA only if set) into one buffer. */
static int serialise(const struct tm_builder *b, uint8_t **out, size_t *size)
{
	struct tm_fmt_section tab[TM_SECTION_TYPE_MAX - 1];
	struct tm_fmt_header h = { .magic = TM_FMT_MAGIC };
	unsigned n = b->metadata.len ? TM_SECTION_TYPE_MAX - 1 : TM_SECTION_TYPE_MAX - 2;
	uint64_t pos = sizeof(h) + n * sizeof(tab[0]);
	uint8_t *p;

	for (unsigned i = 0; i < n; i++) {
		const struct bytes *s = section_bytes(b, i + 1);

		if (s->len > UINT32_MAX)
			return -EFBIG;
		tab[i] = (struct tm_fmt_section){
			.type = i + 1,
			.offset = align_up(pos),
			.size = s->len,
			.count = section_count(i + 1, s->len),
			.crc32 = tm_crc32(0, s->p, s->len),
		};
		pos = tab[i].offset + s->len;
	}
	if (pos > SIZE_MAX)
		return -EFBIG;
	p = calloc(1, (size_t)pos);
	if (!p)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		if (tab[i].size)
			memcpy(p + tab[i].offset, section_bytes(b, i + 1)->p, tab[i].size);
	h.version_major = TM_FMT_VERSION_MAJOR;
	h.version_minor = TM_FMT_VERSION_MINOR;
	h.header_size = sizeof(h);
	h.section_count = n;
	h.file_size = pos;
	h.table_crc32 = tm_crc32(0, tab, n * sizeof(tab[0]));
	h.header_crc32 = tm_crc32(0, &h, sizeof(h));
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), tab, n * sizeof(tab[0]));
	*out = p;
	*size = (size_t)pos;
	return 0;
}

int tm_builder_finish(struct tm_builder *b, void **buf, size_t *size)
{
	struct tm_model *m;
	uint8_t *p;
	size_t n;
	int ret;

	if (!b || !buf || !size)
		return -EINVAL;
	ret = serialise(b, &p, &n);
	if (ret)
		return fail(b, ret, "cannot lay out the file: %s",
			    ret == -ENOMEM ? "out of memory" : "a section exceeds 4 GiB");
	/* The whole-graph checks (topological order, io) run here, in the loader. */
	ret = tm_model_from_buffer(p, n, &m, b->err, sizeof(b->err));
	if (ret) {
		free(p);
		return ret;
	}
	tm_model_close(m);
	*buf = p;
	*size = n;
	return 0;
}

int tm_builder_write(struct tm_builder *b, const char *path)
{
	void *buf;
	size_t size;
	FILE *f;
	int ret;

	if (!b || !path)
		return -EINVAL;
	ret = tm_builder_finish(b, &buf, &size);
	if (ret)
		return ret;
	f = fopen(path, "wb");
	if (!f) {
		ret = -errno;
		fail(b, ret, "%s: %s", path, strerror(-ret));
		goto out_free;
	}
	if (fwrite(buf, 1, size, f) != size)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		fail(b, ret, "%s: write failed: %s", path, strerror(-ret));
out_free:
	free(buf);
	return ret;
}
