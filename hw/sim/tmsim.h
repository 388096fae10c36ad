/* SPDX-License-Identifier: MIT */
/*
 * tmsim.h - libtmsim, the simulated TMA device: one C API over either engine
 * (the C functional model, or the Verilated RTL when it is built).
 *
 * A simulator is created from a device-tree blob (the same one tmc reads)
 * or from explicit parameters, is given memory (host buffers, or a file
 * mapped shared, standing for a guest's RAM), and is then driven exactly as
 * a driver drives the hardware: CSR reads and writes, and time, advanced by
 * tmsim_run() until the device idles or interrupts.
 *
 * Functions return 0 or a negative errno; creation failures explain
 * themselves in a caller's buffer. Not thread-safe: one thread per tmsim.
 */
#ifndef TMSIM_H
#define TMSIM_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TMSIM_BUILDING)
#define TMSIM_API __attribute__((visibility("default")))
#else
#define TMSIM_API
#endif

/* The compatible string of the device node libtmsim looks for. */
#define TMSIM_DT_COMPATIBLE "tmaccel,tma"

struct tmsim;

/**
 * tmsim_parse_dtb() - the device parameters from the TMA node of a blob.
 * @dtb: the flattened device tree; @size: its size in bytes.
 * @p: filled on success.
 * Return: 0; -EINVAL with a message naming the node or property otherwise.
 */
TMSIM_API int tmsim_parse_dtb(const void *dtb, size_t size, struct tmsim_params *p,
			      char *err, size_t errlen);

/**
 * tmsim_create() - a simulator in its reset state.
 * @engine: "model", "rtl", or NULL for the default ("rtl" if built, else
 *          "model").
 * @p: parameters; for an engine built with fixed parameters (the RTL) they
 *     must match, or creation fails with a message naming the difference.
 */
TMSIM_API int tmsim_create(const char *engine, const struct tmsim_params *p,
			   struct tmsim **out, char *err, size_t errlen);

/** tmsim_create_dtb() - tmsim_parse_dtb() then tmsim_create(). */
TMSIM_API int tmsim_create_dtb(const char *engine, const void *dtb, size_t size,
			       struct tmsim **out, char *err, size_t errlen);

TMSIM_API void tmsim_destroy(struct tmsim *s);

/** tmsim_engine_name() - the engine actually in use. */
TMSIM_API const char *tmsim_engine_name(const struct tmsim *s);
TMSIM_API void tmsim_get_params(const struct tmsim *s, struct tmsim_params *p);

/* ---- memory behind the device's bus ---------------------------------- */

/**
 * tmsim_mem_add() - back bus addresses [@bus_addr, @bus_addr + @size) with
 * the caller's @host buffer (which must outlive the mapping). Mappings may
 * not overlap; at most 64. An access not wholly inside one mapping is a bus
 * error (the device reports TMA_ERR_BUS or halts its ring).
 */
TMSIM_API int tmsim_mem_add(struct tmsim *s, uint64_t bus_addr, void *host, size_t size);

/**
 * tmsim_mem_add_file() - the same with @size bytes of the file at @path
 * from @offset, mapped shared: what the device writes, the file's other
 * users (a QEMU guest) see. Unmapped by tmsim_mem_remove() or destroy.
 */
TMSIM_API int tmsim_mem_add_file(struct tmsim *s, uint64_t bus_addr, const char *path,
				 uint64_t offset, size_t size);

/** tmsim_mem_remove() - drop the mapping that starts at @bus_addr. */
TMSIM_API int tmsim_mem_remove(struct tmsim *s, uint64_t bus_addr);

/** tmsim_mem_read()/tmsim_mem_write() - host access to bus memory; -EFAULT if unbacked. */
TMSIM_API int tmsim_mem_read(struct tmsim *s, uint64_t addr, void *buf, size_t len);
TMSIM_API int tmsim_mem_write(struct tmsim *s, uint64_t addr, const void *buf, size_t len);

/* ---- registers and time ---------------------------------------------- */

TMSIM_API uint32_t tmsim_csr_read(struct tmsim *s, uint32_t offset);
TMSIM_API void tmsim_csr_write(struct tmsim *s, uint32_t offset, uint32_t value);

/** enum tmsim_stop - why tmsim_run() returned. */
enum tmsim_stop {
	TMSIM_STOP_IDLE = 0,  /* nothing left to do */
	TMSIM_STOP_IRQ = 1,   /* the interrupt line is high */
	TMSIM_STOP_LIMIT = 2, /* @max_cycles passed */
};

/**
 * tmsim_run() - advance the device by at most @max_cycles cycles.
 * Return: an &enum tmsim_stop; the cycles that passed go to *@ran (may be NULL).
 */
TMSIM_API int tmsim_run(struct tmsim *s, uint64_t max_cycles, uint64_t *ran);

/** tmsim_irq() - the interrupt line. */
TMSIM_API int tmsim_irq(struct tmsim *s);

/**
 * struct tmsim_stats - what the simulator itself measured.
 * @cycles: device cycles simulated.
 * @wall_ns: host time spent in tmsim_run().
 * @bus_reads, @bus_writes: device accesses; @bus_rd_bytes, @bus_wr_bytes their bytes.
 * @bus_errors: accesses answered with a bus error (unbacked or injected).
 */
struct tmsim_stats {
	uint64_t cycles;
	uint64_t wall_ns;
	uint64_t bus_reads, bus_writes;
	uint64_t bus_rd_bytes, bus_wr_bytes;
	uint64_t bus_errors;
};

TMSIM_API void tmsim_get_stats(const struct tmsim *s, struct tmsim_stats *st);

/* ---- fault injection ------------------------------------------------- */

/**
 * struct tmsim_faults - misbehaviour to show, for testing the layers above.
 * @dma_fault_len: if non-zero, every device access touching
 *                 [@dma_fault_addr, @dma_fault_addr + @dma_fault_len) gets a
 *                 bus error (the job fails with TMA_ERR_BUS).
 * @hang: the device stops: time passes but nothing moves (PROGRESS frozen,
 *        no job ends) until a soft reset, which clears @hang.
 * @bad_status: if non-zero, the next completion record the device writes
 *              gets this status instead of the real one (then it clears).
 */
struct tmsim_faults {
	uint64_t dma_fault_addr;
	uint64_t dma_fault_len;
	int hang;
	uint32_t bad_status;
};

TMSIM_API void tmsim_set_faults(struct tmsim *s, const struct tmsim_faults *f);

#ifdef __cplusplus
}
#endif

#endif /* TMSIM_H */
