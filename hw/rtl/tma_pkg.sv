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

  // A checked FC/CONV2D command as the layer sequencer sees it: FC already
  // rewritten as a 1x1 convolution over a 1 x M image (uapi/tma_cmd.h).
  typedef struct packed {
    logic        int4;
    logic        sparse;
    logic        dw;
    logic [15:0] in_h, in_w, in_c, out_h, out_w, out_c;
    logic [7:0]  kh, kw, sh, sw, dh, dl, pad_t, pad_l;
    logic [7:0]  in_zp, out_zp, act_min, act_max;
    logic [31:0] in_pix, in_row, out_pix, out_row;
  } layer_t;

  // Operand order of the command's region byte and of enum tma_operand - 1.
  typedef enum logic [1:0] {
    OPND_IN = 2'd0, OPND_WGT = 2'd1, OPND_CHAN = 2'd2, OPND_OUT = 2'd3
  } opnd_e;

endpackage
