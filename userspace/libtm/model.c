// SPDX-License-Identifier: MIT
/*
 * model.c - open a model.bin: map it, check the container (header, section
 * table, section bounds and CRCs), then hand the sections to the record
 * checks of model_validate.c. Only a model that passed every check is
 * returned; after that its records are used as they are, without copies.
 *
 * The checks run in an order where each one reads only bytes an earlier one
 * proved to be inside the file: header size, then header fields, then the
 * table's extent, then each entry, then section contents.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "model.h"

_Static_assert(sizeof(struct tm_fmt_header) == 64, "header is 64 bytes");
_Static_assert(sizeof(struct tm_fmt_section) == 32, "section entry is 32 bytes");
_Static_assert(sizeof(struct tm_fmt_tensor) == 64, "tensor record is 64 bytes");
_Static_assert(sizeof(struct tm_fmt_qparam) == 8, "qparam record is 8 bytes");
_Static_assert(sizeof(struct tm_fmt_op) == 32, "op record is 32 bytes");
_Static_assert(sizeof(struct tm_fmt_subgraph) == 32, "subgraph record is 32 bytes");

/*
 * More sections than this is not a model but an attack on the O(n^2)
 * overlap check; nine types exist and new minors add few.
 */
#define MAX_SECTIONS 64

static const char *const section_names[TM_SECTION_TYPE_MAX] = {
	[TM_SECTION_STRINGS] = "STRINGS",
	[TM_SECTION_TENSORS] = "TENSORS",
	[TM_SECTION_QPARAMS] = "QPARAMS",
	[TM_SECTION_OPS] = "OPS",
	[TM_SECTION_OPERANDS] = "OPERANDS",
	[TM_SECTION_OPTIONS] = "OPTIONS",
	[TM_SECTION_SUBGRAPHS] = "SUBGRAPHS",
	[TM_SECTION_DATA] = "DATA",
	[TM_SECTION_METADATA] = "METADATA",
};

/* Record size per section type; 1 for byte sections, whose count is their size. */
static const uint32_t record_sizes[TM_SECTION_TYPE_MAX] = {
	[TM_SECTION_STRINGS] = 1,
	[TM_SECTION_TENSORS] = sizeof(struct tm_fmt_tensor),
	[TM_SECTION_QPARAMS] = sizeof(struct tm_fmt_qparam),
	[TM_SECTION_OPS] = sizeof(struct tm_fmt_op),
	[TM_SECTION_OPERANDS] = sizeof(uint32_t),
	[TM_SECTION_OPTIONS] = 1,
	[TM_SECTION_SUBGRAPHS] = sizeof(struct tm_fmt_subgraph),
	[TM_SECTION_DATA] = 1,
	[TM_SECTION_METADATA] = 1,
};

struct lctx {
	const uint8_t *base;
	size_t size;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3))) bad(struct lctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tm_vset_error(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int known_type(uint32_t type)
{
	return type > 0 && type < TM_SECTION_TYPE_MAX;
}

/* ---- header ------------------------------------------------------------------ */

static int check_header(struct lctx *c, const struct tm_fmt_header *h)
{
	struct tm_fmt_header copy;
	uint32_t crc;

	if (c->size < sizeof(*h))
		return bad(c, "file of %zu bytes is shorter than the %zu-byte header",
			   c->size, sizeof(*h));
	if (memcmp(h->magic, TM_FMT_MAGIC, sizeof(h->magic)))
		return bad(c, "bad magic: not a model.bin file");
	if (h->version_major != TM_FMT_VERSION_MAJOR)
		return bad(c, "format version %u.%u not supported (this reader reads %d.x)",
			   h->version_major, h->version_minor, TM_FMT_VERSION_MAJOR);
	if (h->header_size != sizeof(*h))
		return bad(c, "header_size %u, expected %zu", h->header_size, sizeof(*h));
	copy = *h;
	copy.header_crc32 = 0;
	crc = tm_crc32(0, &copy, sizeof(copy));
	if (crc != h->header_crc32)
		return bad(c, "header CRC 0x%08x does not match stored 0x%08x", crc, h->header_crc32);
	if (h->flags)
		return bad(c, "header flags 0x%x, must be 0", h->flags);
	for (unsigned k = 0; k < TM_ARRAY_SIZE(h->reserved); k++)
		if (h->reserved[k])
			return bad(c, "header reserved[%u] is 0x%x, must be 0", k, h->reserved[k]);
	if (h->file_size != c->size)
		return bad(c, "header says %llu bytes but the file has %zu (truncated?)",
			   (unsigned long long)h->file_size, c->size);
	if (h->section_count > MAX_SECTIONS)
		return bad(c, "section_count %u exceeds the limit of %d", h->section_count,
			   MAX_SECTIONS);
	/* section_count <= 64: the table ends within 64 + 64 * 32 bytes, no overflow. */
	if (sizeof(*h) + (size_t)h->section_count * sizeof(struct tm_fmt_section) > c->size)
		return bad(c, "section table of %u entries outside file of %zu bytes",
			   h->section_count, c->size);
	crc = tm_crc32(0, c->base + sizeof(*h), h->section_count * sizeof(struct tm_fmt_section));
	if (crc != h->table_crc32)
		return bad(c, "section table CRC 0x%08x does not match stored 0x%08x",
			   crc, h->table_crc32);
	return 0;
}

/* ---- section table --------------------------------------------------------------- */

static const char *section_name(uint32_t type, char *buf, size_t len)
{
	if (known_type(type))
		return section_names[type];
	tm_set_error(buf, len, "type %u", type);
	return buf;
}

/* Bounds, record structure and CRC of one section, in that order. */
static int check_section(struct lctx *c, uint32_t i, const struct tm_fmt_section *s,
			 uint64_t table_end)
{
	char nb[24];
	const char *name = section_name(s->type, nb, sizeof(nb));
	uint32_t rec = known_type(s->type) ? record_sizes[s->type] : 1;
	uint32_t crc;

	if (!known_type(s->type) && !(s->flags & TM_SECTION_F_OPTIONAL))
		return bad(c, "section %u: unknown type %u not marked optional", i, s->type);
	if (s->flags & ~TM_SECTION_F_OPTIONAL)
		return bad(c, "section %u (%s): unknown flags 0x%x", i, name, s->flags);
	if (s->offset % TM_FMT_ALIGN)
		return bad(c, "section %u (%s): offset %llu is not a multiple of %d", i, name,
			   (unsigned long long)s->offset, TM_FMT_ALIGN);
	if (s->offset > c->size || s->size > c->size - s->offset)
		return bad(c, "section %u (%s): [%llu, +%llu) outside file of %zu bytes", i, name,
			   (unsigned long long)s->offset, (unsigned long long)s->size, c->size);
	if (s->offset < table_end)
		return bad(c, "section %u (%s): offset %llu overlaps the header and section table [0, %llu)",
			   i, name, (unsigned long long)s->offset, (unsigned long long)table_end);
	if ((uint64_t)s->count * rec != s->size || s->count > INT32_MAX)
		return bad(c, "section %u (%s): size %llu is not count %u x %u-byte records", i, name,
			   (unsigned long long)s->size, s->count, rec);
	crc = tm_crc32(0, c->base + s->offset, s->size);
	if (crc != s->crc32)
		return bad(c, "section %u (%s): CRC 0x%08x does not match stored 0x%08x", i, name,
			   crc, s->crc32);
	return 0;
}

/* Each type at most once; no two sections share a byte. */
static int check_section_pair(struct lctx *c, const struct tm_fmt_section *tab,
			      uint32_t i, uint32_t k)
{
	const struct tm_fmt_section *a = &tab[i], *b = &tab[k];

	if (a->type == b->type)
		return bad(c, "section %u: second section of type %u (first is section %u)",
			   k, b->type, i);
	if (a->size && b->size && a->offset < b->offset + b->size &&
	    b->offset < a->offset + a->size)
		return bad(c, "sections %u [%llu, +%llu) and %u [%llu, +%llu) overlap",
			   i, (unsigned long long)a->offset, (unsigned long long)a->size,
			   k, (unsigned long long)b->offset, (unsigned long long)b->size);
	return 0;
}

/* Point the model at a known section; an absent section stays empty. */
static void map_section(struct tm_model *m, const struct tm_fmt_section *s)
{
	const void *p = m->base + s->offset;

	switch (s->type) {
	case TM_SECTION_STRINGS:
		m->strings = p, m->strings_size = s->count;
		break;
	case TM_SECTION_TENSORS:
		m->tensors = p, m->n_tensors = s->count;
		break;
	case TM_SECTION_QPARAMS:
		m->qparams = p, m->n_qparams = s->count;
		break;
	case TM_SECTION_OPS:
		m->ops = p, m->n_ops = s->count;
		break;
	case TM_SECTION_OPERANDS:
		m->operands = p, m->n_operands = s->count;
		break;
	case TM_SECTION_OPTIONS:
		m->options = p, m->options_size = s->count;
		break;
	case TM_SECTION_SUBGRAPHS:
		m->subgraphs = p, m->n_subgraphs = s->count;
		break;
	case TM_SECTION_DATA:
		m->data = p, m->data_size = s->size;
		break;
	case TM_SECTION_METADATA:
		m->metadata = p, m->metadata_size = s->count;
		break;
	}
}

static int check_sections(struct lctx *c, struct tm_model *m)
{
	const struct tm_fmt_header *h = (const void *)c->base;
	const struct tm_fmt_section *tab = (const void *)(c->base + sizeof(*h));
	uint64_t table_end = sizeof(*h) + (uint64_t)h->section_count * sizeof(*tab);
	int ret;

	for (uint32_t i = 0; i < h->section_count; i++) {
		ret = check_section(c, i, &tab[i], table_end);
		if (ret)
			return ret;
		for (uint32_t k = 0; k < i; k++) {
			ret = check_section_pair(c, tab, k, i);
			if (ret)
				return ret;
		}
	}
	for (uint32_t i = 0; i < h->section_count; i++)
		map_section(m, &tab[i]);
	return 0;
}

/* ---- loading -------------------------------------------------------------------- */

static int load(const void *buf, size_t size, int mapped, struct tm_model **out,
		char *err, size_t errlen)
{
	struct lctx c = { buf, size, err, errlen };
	struct tm_model *m;
	int ret;

	tm_set_error(err, errlen, "%s", "");
	ret = check_header(&c, buf);
	if (ret)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m)
		goto out_nomem;
	m->base = buf;
	m->size = size;
	m->mapped = mapped;
	ret = check_sections(&c, m);
	if (!ret)
		ret = tm_validate_records(m, err, errlen);
	if (ret) {
		free(m);
		if (ret == -ENOMEM)
			goto out_nomem;
		return ret;
	}
	*out = m;
	return 0;

out_nomem:
	tm_set_error(err, errlen, "out of memory while validating the model");
	return -ENOMEM;
}

int tm_model_from_buffer(const void *buf, size_t size, struct tm_model **out,
			 char *err, size_t errlen)
{
	if (!out || (!buf && size)) {
		tm_set_error(err, errlen, "tm_model_from_buffer: NULL argument");
		return -EINVAL;
	}
	*out = NULL;
	/* Records are used in place, so their natural alignment must hold. */
	if ((uintptr_t)buf % alignof(uint64_t)) {
		tm_set_error(err, errlen, "model buffer at %p is not %zu-byte aligned",
			     buf, alignof(uint64_t));
		return -EINVAL;
	}
	return load(buf, size, 0, out, err, errlen);
}

int tm_model_open(const char *path, struct tm_model **out, char *err, size_t errlen)
{
	struct stat st;
	void *p;
	int fd, ret;

	if (!path || !out) {
		tm_set_error(err, errlen, "tm_model_open: NULL argument");
		return -EINVAL;
	}
	*out = NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		tm_set_error(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		tm_set_error(err, errlen, "%s: %s", path, strerror(-ret));
		goto out_close;
	}
	ret = -EINVAL;
	if (!S_ISREG(st.st_mode)) {
		tm_set_error(err, errlen, "%s: not a regular file", path);
		goto out_close;
	}
	if ((uint64_t)st.st_size < sizeof(struct tm_fmt_header)) {
		/* mmap of an empty file fails; say what is really wrong. */
		tm_set_error(err, errlen, "file of %lld bytes is shorter than the %zu-byte header",
			     (long long)st.st_size, sizeof(struct tm_fmt_header));
		goto out_close;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		ret = -EFBIG;
		tm_set_error(err, errlen, "%s: too large to map", path);
		goto out_close;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		tm_set_error(err, errlen, "%s: mmap: %s", path, strerror(-ret));
		goto out_close;
	}
	ret = load(p, (size_t)st.st_size, 1, out, err, errlen);
	if (ret)
		munmap(p, (size_t)st.st_size);
out_close:
	close(fd);
	return ret;
}

void tm_model_close(struct tm_model *model)
{
	if (!model)
		return;
	if (model->mapped)
		munmap((void *)model->base, model->size);
	free(model);
}

/* ---- introspection ------------------------------------------------------------------ */

static const struct tm_fmt_subgraph *main_graph(const struct tm_model *m)
{
	return &m->subgraphs[0];
}

unsigned tm_model_num_tensors(const struct tm_model *model)
{
	return model ? model->n_tensors : 0;
}

unsigned tm_model_num_ops(const struct tm_model *model)
{
	return model ? main_graph(model)->ops_count : 0;
}

unsigned tm_model_num_inputs(const struct tm_model *model)
{
	return model ? main_graph(model)->n_inputs : 0;
}

unsigned tm_model_num_outputs(const struct tm_model *model)
{
	return model ? main_graph(model)->n_outputs : 0;
}

int tm_model_input(const struct tm_model *model, unsigned i)
{
	if (!model || i >= main_graph(model)->n_inputs)
		return -EINVAL;
	return (int)model->operands[main_graph(model)->operands_first + i];
}

int tm_model_output(const struct tm_model *model, unsigned i)
{
	const struct tm_fmt_subgraph *sg;

	if (!model || i >= main_graph(model)->n_outputs)
		return -EINVAL;
	sg = main_graph(model);
	return (int)model->operands[sg->operands_first + sg->n_inputs + i];
}

int tm_model_tensor_info(const struct tm_model *model, unsigned tensor,
			 struct tm_tensor_info *info)
{
	const struct tm_fmt_tensor *t;

	if (!model || !info || tensor >= model->n_tensors)
		return -EINVAL;
	t = &model->tensors[tensor];
	memset(info, 0, sizeof(*info));
	info->name = tm_model_string(model, t->name);
	info->dtype = t->dtype;
	info->layout = t->layout;
	info->rank = t->rank;
	memcpy(info->shape, t->shape, sizeof(info->shape));
	/* Validated at load time, so this cannot fail. */
	tm_fmt_tensor_bytes(t->dtype, t->layout, t->shape, t->rank, &info->bytes);
	info->is_const = !!(t->flags & TM_TENSOR_F_CONST);
	info->quant_axis = t->quant_axis;
	if (t->qparam_first != TM_FMT_NONE) {
		info->qparam_count = t->qparam_count;
		info->scale = model->qparams[t->qparam_first].scale;
		info->zero_point = model->qparams[t->qparam_first].zero_point;
	}
	return 0;
}

int tm_model_op_info(const struct tm_model *model, unsigned op, struct tm_op_info *info)
{
	const struct tm_fmt_op *o;

	if (!model || !info || op >= main_graph(model)->ops_count)
		return -EINVAL;
	o = &model->ops[main_graph(model)->ops_first + op];
	memset(info, 0, sizeof(*info));
	info->name = tm_model_string(model, o->name);
	info->opcode = o->opcode;
	info->placement = o->placement;
	info->n_inputs = o->n_inputs;
	info->n_outputs = o->n_outputs;
	info->inputs = tm_op_inputs(model, o);
	info->outputs = tm_op_outputs(model, o);
	info->options = o->options_size ? model->options + o->options_offset : NULL;
	return 0;
}

const void *tm_model_tensor_data(const struct tm_model *model, unsigned tensor)
{
	const struct tm_fmt_tensor *t;

	if (!model || tensor >= model->n_tensors)
		return NULL;
	t = &model->tensors[tensor];
	return t->flags & TM_TENSOR_F_CONST ? model->data + t->data_offset : NULL;
}

const char *tm_model_metadata(const struct tm_model *model, const char *key)
{
	const char *p, *end;

	if (!model || !key || !model->metadata)
		return NULL;
	/* Validated: NUL-terminated key/value pairs. */
	p = model->metadata;
	end = p + model->metadata_size;
	while (p < end) {
		const char *value = p + strlen(p) + 1;

		if (!strcmp(p, key))
			return value;
		p = value + strlen(value) + 1;
	}
	return NULL;
}
