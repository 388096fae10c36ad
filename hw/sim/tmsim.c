// SPDX-License-Identifier: MIT
/*
 * tmsim.c - libtmsim: an engine (model or RTL) behind one C API, the memory
 * map behind its bus, and fault injection.
 *
 * Faults live here, not in the engines, so both engines misbehave the same
 * way: a DMA fault is a bus error the engine sees, a hang is the simulator
 * no longer clocking the engine, a bad status is a patched completion record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tma_cmd.h"
#include "tma_regs.h"
#include "tmsim.h"

/* Present only when the Verilated RTL is linked in (see hw/sim/sim.mk). */
#pragma weak tmsim_engine_rtl

#define TMSIM_MAX_MAPS 64

struct tmsim_map {
	uint64_t bus, size;
	uint8_t *host;
	int is_mmap;
};

struct tmsim {
	const struct tmsim_engine_ops *ops;
	struct tmsim_engine *eng;
	struct tmsim_params p;
	struct tmsim_map maps[TMSIM_MAX_MAPS];
	unsigned n_maps;
	struct tmsim_faults faults;
	struct tmsim_stats st;
	uint32_t jobs_seen;
};

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* ---- the bus ------------------------------------------------------------- */

static uint8_t *bus_host(struct tmsim *s, uint64_t addr, size_t len)
{
	for (unsigned i = 0; i < s->n_maps; i++) {
		const struct tmsim_map *m = &s->maps[i];

		if (addr >= m->bus && addr - m->bus <= m->size && len <= m->size - (addr - m->bus))
			return m->host + (addr - m->bus);
	}
	return NULL;
}

static int injected(const struct tmsim *s, uint64_t addr, size_t len)
{
	const struct tmsim_faults *f = &s->faults;

	return f->dma_fault_len && len && addr <= f->dma_fault_addr + (f->dma_fault_len - 1) &&
	       f->dma_fault_addr <= addr + (len - 1);
}

static int bus_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct tmsim *s = ctx;
	uint8_t *h = bus_host(s, addr, len);

	s->st.bus_reads++;
	if (!h || injected(s, addr, len)) {
		s->st.bus_errors++;
		return -EFAULT;
	}
	memcpy(buf, h, len);
	s->st.bus_rd_bytes += len;
	return 0;
}

static int bus_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct tmsim *s = ctx;
	uint8_t *h = bus_host(s, addr, len);

	s->st.bus_writes++;
	if (!h || injected(s, addr, len)) {
		s->st.bus_errors++;
		return -EFAULT;
	}
	memcpy(h, buf, len);
	s->st.bus_wr_bytes += len;
	return 0;
}

/* ---- creation ------------------------------------------------------------ */

static const struct tmsim_engine_ops *find_engine(const char *name)
{
	const struct tmsim_engine_ops *rtl = &tmsim_engine_rtl ? &tmsim_engine_rtl : NULL;

	if (!name)
		return rtl ? rtl : &tmsim_engine_model;
	if (!strcmp(name, "model"))
		return &tmsim_engine_model;
	if (!strcmp(name, "rtl"))
		return rtl;
	return NULL;
}

/* An engine with fixed parameters refuses any other set, naming the first difference. */
static int match_built(const struct tmsim_engine_ops *ops, const struct tmsim_params *p,
		       char *err, size_t errlen)
{
	static const char *const prop[] = {
		"tmaccel,array-rows", "tmaccel,array-cols", "tmaccel,act-sram-kib",
		"tmaccel,wgt-sram-kib", "tmaccel,bus-bytes", "tmaccel,addr-bits",
		"capability bits (tmaccel,int4/sparse-2-4/depthwise)",
	};
	struct tmsim_params b;

	if (!ops->built_params)
		return 0;
	ops->built_params(&b);
	const uint32_t want[] = { p->rows, p->cols, p->act_sram_kib, p->wgt_sram_kib,
				  p->bus_bytes, p->addr_bits, p->caps };
	const uint32_t have[] = { b.rows, b.cols, b.act_sram_kib, b.wgt_sram_kib,
				  b.bus_bytes, b.addr_bits, b.caps };

	for (size_t i = 0; i < sizeof(prop) / sizeof(prop[0]); i++)
		if (want[i] != have[i])
			return fail(err, errlen, -EINVAL,
				    "%s = %u, but the %s engine was built with %u", prop[i],
				    want[i], ops->name, have[i]);
	return 0;
}

int tmsim_create(const char *engine, const struct tmsim_params *p, struct tmsim **out,
		 char *err, size_t errlen)
{
	const struct tmsim_engine_ops *ops = find_engine(engine);
	struct tmsim_bus bus;
	struct tmsim *s;
	int ret;

	*out = NULL;
	if (!ops)
		return fail(err, errlen, -ENOENT, "no simulator engine \"%s\" in this build", engine);
	ret = match_built(ops, p, err, errlen);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail(err, errlen, -ENOMEM, "out of memory");
	s->ops = ops;
	s->p = *p;
	bus.ctx = s;
	bus.read = bus_read;
	bus.write = bus_write;
	ret = ops->create(p, &bus, &s->eng, err, errlen);
	if (ret) {
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

int tmsim_create_dtb(const char *engine, const void *dtb, size_t size, struct tmsim **out,
		     char *err, size_t errlen)
{
	struct tmsim_params p;
	int ret = tmsim_parse_dtb(dtb, size, &p, err, errlen);

	if (ret) {
		*out = NULL;
		return ret;
	}
	return tmsim_create(engine, &p, out, err, errlen);
}

void tmsim_destroy(struct tmsim *s)
{
	if (!s)
		return;
	s->ops->destroy(s->eng);
	while (s->n_maps)
		tmsim_mem_remove(s, s->maps[0].bus);
	free(s);
}

const char *tmsim_engine_name(const struct tmsim *s)
{
	return s->ops->name;
}

void tmsim_get_params(const struct tmsim *s, struct tmsim_params *p)
{
	*p = s->p;
}

/* ---- memory map ---------------------------------------------------------- */

static int map_insert(struct tmsim *s, uint64_t bus_addr, uint8_t *host, size_t size,
		      int is_mmap)
{
	if (!size || size > UINT64_MAX - bus_addr)
		return -EINVAL;
	if (s->n_maps == TMSIM_MAX_MAPS)
		return -ENOSPC;
	for (unsigned i = 0; i < s->n_maps; i++) {
		const struct tmsim_map *m = &s->maps[i];

		if (bus_addr < m->bus + m->size && m->bus < bus_addr + size)
			return -EEXIST;
	}
	s->maps[s->n_maps++] = (struct tmsim_map){ bus_addr, size, host, is_mmap };
	return 0;
}

int tmsim_mem_add(struct tmsim *s, uint64_t bus_addr, void *host, size_t size)
{
	if (!host)
		return -EINVAL;
	return map_insert(s, bus_addr, host, size, 0);
}

int tmsim_mem_add_file(struct tmsim *s, uint64_t bus_addr, const char *path, uint64_t offset,
		       size_t size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *h;
	int ret;

	if (fd < 0)
		return -errno;
	h = size ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset)
		 : MAP_FAILED;
	ret = h == MAP_FAILED ? (size ? -errno : -EINVAL) : 0;
	close(fd);
	if (ret)
		return ret;
	ret = map_insert(s, bus_addr, h, size, 1);
	if (ret)
		munmap(h, size);
	return ret;
}

int tmsim_mem_remove(struct tmsim *s, uint64_t bus_addr)
{
	for (unsigned i = 0; i < s->n_maps; i++) {
		struct tmsim_map *m = &s->maps[i];

		if (m->bus != bus_addr)
			continue;
		if (m->is_mmap)
			munmap(m->host, m->size);
		*m = s->maps[--s->n_maps];
		return 0;
	}
	return -ENOENT;
}

int tmsim_mem_read(struct tmsim *s, uint64_t addr, void *buf, size_t len)
{
	const uint8_t *h = bus_host(s, addr, len);

	if (!h)
		return -EFAULT;
	memcpy(buf, h, len);
	return 0;
}

int tmsim_mem_write(struct tmsim *s, uint64_t addr, const void *buf, size_t len)
{
	uint8_t *h = bus_host(s, addr, len);

	if (!h)
		return -EFAULT;
	memcpy(h, buf, len);
	return 0;
}

/* ---- registers, time, faults --------------------------------------------- */

uint32_t tmsim_csr_read(struct tmsim *s, uint32_t offset)
{
	return s->ops->csr_read(s->eng, offset);
}

void tmsim_csr_write(struct tmsim *s, uint32_t offset, uint32_t value)
{
	if (offset == TMA_REG_CTRL && (value & TMA_CTRL_SOFT_RESET_MASK)) {
		s->faults.hang = 0;
		s->jobs_seen = 0;
	}
	s->ops->csr_write(s->eng, offset, value);
}

static uint32_t le32_at(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t le64_at(const uint8_t *b)
{
	return le32_at(b) | (uint64_t)le32_at(b + 4) << 32;
}

/*
 * Bad-status injection: overwrite the status word of the record of the job
 * that just ended, found through its descriptor at RING_HEAD - 1.
 */
static void patch_status(struct tmsim *s)
{
	uint32_t size = tmsim_csr_read(s, TMA_REG_RING_SIZE);
	uint64_t ring = tmsim_csr_read(s, TMA_REG_RING_BASE_LO) |
			(uint64_t)tmsim_csr_read(s, TMA_REG_RING_BASE_HI) << 32;
	uint32_t idx = (tmsim_csr_read(s, TMA_REG_RING_HEAD) - 1) & (size - 1);
	uint8_t d[TMA_JOB_DESC_SIZE], st[4];
	uint32_t rgn;

	if (!size || tmsim_mem_read(s, ring + (uint64_t)idx * TMA_JOB_DESC_SIZE, d, sizeof(d)))
		return;
	rgn = le32_at(d + 24);
	if (rgn >= TMA_MAX_REGIONS)
		return;
	for (int i = 0; i < 4; i++)
		st[i] = (uint8_t)(s->faults.bad_status >> (8 * i));
	tmsim_mem_write(s, le64_at(d + 32 + 16 * rgn) + le32_at(d + 28) + 4, st, sizeof(st));
	s->faults.bad_status = 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int tmsim_run(struct tmsim *s, uint64_t max_cycles, uint64_t *ran)
{
	uint64_t t0 = now_ns(), n;
	uint32_t jobs;
	int stop;

	if (s->faults.hang) {
		/* Time passes; the device does not. */
		n = max_cycles;
		stop = TMSIM_STOP_LIMIT;
	} else {
		n = s->ops->step(s->eng, max_cycles);
		jobs = tmsim_csr_read(s, TMA_REG_JOBS_DONE);
		if (jobs != s->jobs_seen && s->faults.bad_status)
			patch_status(s);
		s->jobs_seen = jobs;
		stop = s->ops->irq(s->eng) ? TMSIM_STOP_IRQ :
		       n < max_cycles ? TMSIM_STOP_IDLE : TMSIM_STOP_LIMIT;
	}
	s->st.cycles += n;
	s->st.wall_ns += now_ns() - t0;
	if (ran)
		*ran = n;
	return stop;
}

int tmsim_irq(struct tmsim *s)
{
	return s->ops->irq(s->eng);
}

void tmsim_get_stats(const struct tmsim *s, struct tmsim_stats *st)
{
	*st = s->st;
}

void tmsim_set_faults(struct tmsim *s, const struct tmsim_faults *f)
{
	s->faults = *f;
}
