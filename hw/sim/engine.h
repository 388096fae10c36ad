/* SPDX-License-Identifier: MIT */
/*
 * engine.h - what libtmsim needs of a device engine.
 *
 * An engine is one implementation of the TMA device: the C functional model
 * (hw/model, "model") or the Verilated RTL ("rtl", C++ glue in hw/rtl). It
 * owns the device's whole state: CSRs, the ring walker, the datapath. It
 * sees memory only through the bus libtmsim hands it, which is where host
 * buffers, a mapped guest-RAM file and fault injection live, so an engine
 * never knows what backs an address.
 *
 * Engines are linked into libtmsim.so and found by their exported ops
 * symbol, `tmsim_engine_<name>`. The RTL engine's symbol is weak in
 * libtmsim: a build without Verilator simply has no "rtl" engine.
 *
 * Everything here is plain C so the C++ glue can include it in extern "C".
 */
#ifndef TMSIM_ENGINE_H
#define TMSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct tmsim_params - the build parameters of a device; CAPS, ARRAY, SRAM
 * and BUS registers report exactly these.
 * @rows: MAC array rows.
 * @cols: MAC array columns.
 * @act_sram_kib: activation buffer, KiB.
 * @wgt_sram_kib: weight buffer, KiB.
 * @bus_bytes: data bytes per bus beat (a power of two, 4..64).
 * @addr_bits: bus address bits (32..64).
 * @caps: TMA_CAPS_*_MASK bits of hw/regs/generated/tma_regs.h.
 */
struct tmsim_params {
	uint32_t rows;
	uint32_t cols;
	uint32_t act_sram_kib;
	uint32_t wgt_sram_kib;
	uint32_t bus_bytes;
	uint32_t addr_bits;
	uint32_t caps;
};

/**
 * struct tmsim_bus - the memory behind the device's bus, given by libtmsim.
 * @ctx: passed back to the callbacks.
 * @read: read @len bytes at bus address @addr; 0, or -EFAULT for a bus
 *        error (nothing backs the address, or an injected fault). The
 *        engine turns a bus error into TMA_ERR_BUS.
 * @write: the same for writes; on error nothing is written.
 */
struct tmsim_bus {
	void *ctx;
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t addr, const void *buf, size_t len);
};

struct tmsim_engine;

/**
 * struct tmsim_engine_ops - one engine.
 * @name: "model", "rtl".
 * @built_params: NULL if the engine takes any parameters (the model); else
 *                fills the parameters it was built with (the RTL is fixed
 *                when Verilated), so libtmsim refuses a DTB that disagrees.
 * @create: a device in its reset state with parameters @p (equal to
 *          built_params if the engine has them) behind @bus (copied).
 *          Returns 0 or a negative errno with a message in @err.
 * @destroy: frees the device.
 * @csr_read: a 32-bit CSR read at byte @offset of the CSR page (unknown
 *            offsets read 0). Reads have no side effects.
 * @csr_write: a 32-bit CSR write (writes to ro/unknown offsets ignored).
 * @step: advances the clock by at most @max_cycles cycles and returns the
 *        cycles advanced. Returns early, possibly 0, once the device is
 *        idle (no job running and none to start: RING_HEAD == RING_TAIL,
 *        not enabled, or halted) or when the interrupt line is high.
 * @irq: the interrupt line: (IRQ_STATUS & IRQ_MASK) != 0.
 * @cycle: clock cycles since create.
 */
struct tmsim_engine_ops {
	const char *name;
	int (*built_params)(struct tmsim_params *p);
	int (*create)(const struct tmsim_params *p, const struct tmsim_bus *bus,
		      struct tmsim_engine **out, char *err, size_t errlen);
	void (*destroy)(struct tmsim_engine *e);
	uint32_t (*csr_read)(struct tmsim_engine *e, uint32_t offset);
	void (*csr_write)(struct tmsim_engine *e, uint32_t offset, uint32_t value);
	uint64_t (*step)(struct tmsim_engine *e, uint64_t max_cycles);
	int (*irq)(struct tmsim_engine *e);
	uint64_t (*cycle)(struct tmsim_engine *e);
};

/* The engines; tmsim_engine_rtl is defined only when the RTL is built. */
extern const struct tmsim_engine_ops tmsim_engine_model;
extern const struct tmsim_engine_ops tmsim_engine_rtl;

#ifdef __cplusplus
}
#endif

#endif /* TMSIM_ENGINE_H */
