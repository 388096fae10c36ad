// SPDX-License-Identifier: MIT
//
// tma_pkg - types shared by the TMA datapath blocks. Register addresses live
// in the generated tma_reg_pkg; command encodings mirror uapi/tma_cmd.h.
package tma_pkg;

  // How the MAC array reads a weight word (see tma_mac_array).
  typedef enum logic [1:0] {
    WMODE_DENSE8  = 2'd0,  // Rows int8 weights per lane and cycle
    WMODE_DENSE4  = 2'd1,  // 2*Rows int4 weights (two per byte, low nibble first)
    WMODE_SPARSE8 = 2'd2,  // 2:4: Rows int8 values, 2-bit position each
    WMODE_SPARSE4 = 2'd3   // 2:4 and int4: 2*Rows int4 values
  } wmode_e;

endpackage
