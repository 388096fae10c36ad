/* SPDX-License-Identifier: MIT */
/*
 * rtl_engine.h - the Verilated tma_top as a libtmsim engine ("rtl").
 *
 * The glue only clocks the model, answers its bus with the memory libtmsim
 * hands over (struct tmsim_bus) and drives the CSR port; everything the
 * device does happens in the RTL. Built parameters are fixed when the RTL is
 * Verilated (hw/rtl/rtl.mk) and reported through built_params.
 *
 * TMSIM_RTL_FST=<file> in the environment at create time writes an FST
 * waveform of the whole run (hw/tests/rtl uses it to leave a trace of a
 * failing job). In a build with coverage (TMSIM_RTL_COVERAGE),
 * TMSIM_RTL_COV=<prefix> writes each device's Verilator coverage counts to
 * <prefix>-<pid>-<n>.dat when it is destroyed.
 */
#ifndef TMSIM_RTL_ENGINE_H
#define TMSIM_RTL_ENGINE_H

#include "engine.h"

/*
 * Build parameters of the Verilated top; keep in step with hw/rtl/rtl.mk,
 * which builds further configurations with -DTMA_RTL_ROWS/-DTMA_RTL_COLS.
 */
#ifndef TMA_RTL_ROWS
#define TMA_RTL_ROWS      8
#endif
#ifndef TMA_RTL_COLS
#define TMA_RTL_COLS      8
#endif
#define TMA_RTL_ACT_KIB   32
#define TMA_RTL_WGT_KIB   32
#define TMA_RTL_BUS_BYTES 8
#define TMA_RTL_ADDR_BITS 64

#endif /* TMSIM_RTL_ENGINE_H */
