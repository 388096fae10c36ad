/* SPDX-License-Identifier: MIT */
/* ops.h - the CPU op implementations, one struct per opcode (see ops.c). */
#ifndef TM_OPS_H
#define TM_OPS_H

#include "tm_priv.h"

#endif /* TM_OPS_H */
