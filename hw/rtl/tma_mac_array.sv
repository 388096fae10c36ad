// SPDX-License-Identifier: MIT
//
// tma_mac_array - Cols output lanes, each a dot product over one k-chunk per
// cycle, accumulated in int32.
//
// All lanes share the activation chunk (4*Rows bytes, of which the mode uses
// Rows, 2*Rows or 4*Rows); each lane has its own weight word (Rows bytes) and
// 2:4 index bytes (Rows bytes, one per group of four as uapi/tma_cmd.h stores
// them: bits [1:0] place the group's first kept value, [3:2] its second). Every lane has 2*Rows 9x4-bit partial
// multipliers: an int8 weight uses two of them (low and high nibble), an int4
// weight one, so int4 doubles the MACs per cycle; 2:4 feeds only the two
// stored values of each group of four, skipping the zeros, which doubles the
// k covered per cycle again. The activation zero point is subtracted here so
// that padding (filled with the zero point) contributes exactly nothing.
//
// Pipeline: products are summed per lane into psum (stage 1), then added to
// the accumulator (stage 2). last_o marks the cycle in which acc_o holds a
// finished dot product; the consumer must take it then.
module tma_mac_array
  import tma_pkg::*;
#(
  parameter int unsigned Rows = 8,
  parameter int unsigned Cols = 8
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  input  logic                      valid_i,
  input  logic                      first_i,   // start a new accumulation
  input  logic                      last_i,    // last chunk of this accumulation
  input  wmode_e                    mode_i,
  input  logic signed [7:0]         act_zp_i,
  input  logic [4*Rows*8-1:0]       act_i,
  input  logic [Cols*Rows*8-1:0]    wgt_i,
  input  logic [Cols*Rows*8-1:0]    idx_i,

  output logic                      last_o,
  output logic [Cols*32-1:0]        acc_o
);

  localparam int unsigned NumP = 2 * Rows;   // partial products per lane
  localparam int unsigned NumA = 4 * Rows;   // activation bytes per chunk

  // Activations minus zero point: -255..255 fits 9 bits signed.
  logic signed [8:0] act_c [NumA];
  always_comb begin
    for (int unsigned i = 0; i < NumA; i++) begin
      act_c[i] = 9'($signed(act_i[8*i +: 8])) - 9'(act_zp_i);
    end
  end

  // One lane: pick the activation and the (signed) weight operand of each
  // partial product for the mode, then sum. Returns a sign-extended 32-bit sum.
  function automatic logic signed [31:0] lane_sum(
      input wmode_e mode, input logic [Rows*8-1:0] w, input logic [Rows*8-1:0] ix,
      input logic signed [8:0] a [NumA]);
    logic signed [31:0] sum, prod;
    logic signed [8:0]  av;
    logic signed [7:0]  wv;
    logic [1:0]         pos;
    int unsigned        e;
    sum = '0;
    for (int unsigned p = 0; p < NumP; p++) begin
      av = '0;
      wv = '0;
      e  = p / 2;  // the int8 element this partial product belongs to
      pos = ix[8*(p/2) + 2*(p%2) +: 2];
      unique case (mode)
        WMODE_DENSE8: begin
          // int8 weight e split in two nibble products: lo unsigned, hi signed.
          av = a[e];
          wv = (p % 2 == 0) ? $signed({4'b0, w[8*e +: 4]}) :
                              $signed(8'($signed(w[8*e+4 +: 4])) <<< 4);
        end
        WMODE_DENSE4: begin
          av = a[p];
          wv = 8'($signed(w[4*p +: 4]));
        end
        WMODE_SPARSE8: begin
          // value e sits in group e/2; its position comes from its own index.
          pos = ix[8*(e/2) + 2*(e%2) +: 2];
          av = a[4*(e/2) + 32'(pos)];
          wv = (p % 2 == 0) ? $signed({4'b0, w[8*e +: 4]}) :
                              $signed(8'($signed(w[8*e+4 +: 4])) <<< 4);
        end
        WMODE_SPARSE4: begin
          av = a[4*(p/2) + 32'(pos)];
          wv = 8'($signed(w[4*p +: 4]));
        end
        default: ;
      endcase
      prod = 32'(av) * 32'(wv);
      sum = sum + prod;
    end
    return sum;
  endfunction

  logic [Cols-1:0][31:0] psum_d, psum_q, acc_q;
  logic                  valid_q, first_q, last_q, last_q2;

  always_comb begin
    for (int unsigned c = 0; c < Cols; c++) begin
      psum_d[c] = lane_sum(mode_i, wgt_i[c*Rows*8 +: Rows*8], idx_i[c*Rows*8 +: Rows*8], act_c);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      first_q <= 1'b0;
      last_q  <= 1'b0;
      last_q2 <= 1'b0;
      psum_q  <= '0;
      acc_q   <= '0;
    end else begin
      valid_q <= valid_i;
      first_q <= first_i;
      last_q  <= valid_i & last_i;
      last_q2 <= valid_q & last_q;
      if (valid_i) begin
        psum_q <= psum_d;
      end
      if (valid_q) begin
        for (int unsigned c = 0; c < Cols; c++) begin
          acc_q[c] <= first_q ? psum_q[c] : acc_q[c] + psum_q[c];
        end
      end
    end
  end

  assign last_o = last_q2;
  assign acc_o  = acc_q;

endmodule
