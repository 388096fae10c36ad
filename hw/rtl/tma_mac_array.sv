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
module tma_mac_array #(
  parameter int unsigned Rows = 8,
  parameter int unsigned Cols = 8
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  input  logic                      valid_i,
  input  logic                      first_i,   // start a new accumulation
  input  logic                      last_i,    // last chunk of this accumulation
  input  tma_pkg::wmode_e           mode_i,
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

  // One partial product per (lane, slot): pick the activation and the signed
  // weight operand for the mode. An int8 weight e = lo + 16*hi is split over
  // slots 2e (unsigned low nibble) and 2e+1 (signed high nibble, times 16).
  logic [Cols*NumP*17-1:0] prod_c;

  for (genvar c = 0; c < Cols; c++) begin : g_lane
    for (genvar p = 0; p < NumP; p++) begin : g_slot
      localparam int unsigned E = p / 2;   // int8 element of this slot
      logic [1:0]        pos4, pos8;       // 2:4 position, int4 / int8 value
      logic signed [7:0] w8_part, w4;
      logic signed [8:0] av;
      logic signed [7:0] wv;

      assign pos4 = idx_i[c*Rows*8 + 8*(p/2) + 2*(p%2) +: 2];
      assign pos8 = idx_i[c*Rows*8 + 8*(E/2) + 2*(E%2) +: 2];
      assign w4   = 8'($signed(wgt_i[c*Rows*8 + 4*p +: 4]));
      if (p % 2 == 0) begin : g_lo
        assign w8_part = $signed({4'b0, wgt_i[c*Rows*8 + 8*E +: 4]});
      end else begin : g_hi
        assign w8_part = $signed(8'($signed(wgt_i[c*Rows*8 + 8*E + 4 +: 4])) <<< 4);
      end

      always_comb begin
        av = '0;
        wv = '0;
        unique case (mode_i)
          tma_pkg::WMODE_DENSE8:  begin av = act_c[E];                     wv = w8_part; end
          tma_pkg::WMODE_DENSE4:  begin av = act_c[p];                     wv = w4;      end
          tma_pkg::WMODE_SPARSE8: begin av = act_c[4*(E/2) + 32'(pos8)];   wv = w8_part; end
          tma_pkg::WMODE_SPARSE4: begin av = act_c[4*(p/2) + 32'(pos4)];   wv = w4;      end
          default: ;
        endcase
      end
      assign prod_c[(c*NumP+p)*17 +: 17] = 17'(av) * 17'(wv);
    end
  end

  logic [31:0] psum_d [Cols];
  logic [31:0] psum_q [Cols];
  logic [31:0] acc_q [Cols];
  logic                  valid_q, first_q, last_q, last_q2;

  always_comb begin
    for (int unsigned c = 0; c < Cols; c++) begin
      psum_d[c] = '0;
      for (int unsigned p = 0; p < NumP; p++) begin
        psum_d[c] = psum_d[c] + 32'($signed(prod_c[(c*NumP+p)*17 +: 17]));
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      first_q <= 1'b0;
      last_q  <= 1'b0;
      last_q2 <= 1'b0;
      for (int unsigned c = 0; c < Cols; c++) begin
        psum_q[c] <= '0;
        acc_q[c]  <= '0;
      end
    end else begin
      valid_q <= valid_i;
      first_q <= first_i;
      last_q  <= valid_i & last_i;
      last_q2 <= valid_q & last_q;
      if (valid_i) begin
        for (int unsigned c = 0; c < Cols; c++) begin
          psum_q[c] <= psum_d[c];
        end
      end
      if (valid_q) begin
        for (int unsigned c = 0; c < Cols; c++) begin
          acc_q[c] <= first_q ? psum_q[c] : acc_q[c] + psum_q[c];
        end
      end
    end
  end

  assign last_o = last_q2;
  for (genvar c = 0; c < Cols; c++) begin : g_out
    assign acc_o[32*c +: 32] = acc_q[c];
  end

endmodule
