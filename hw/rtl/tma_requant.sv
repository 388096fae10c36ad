// SPDX-License-Identifier: MIT
//
// tma_requant - int32 accumulator to int8, bit-exact with TFLite's
// MultiplyByQuantizedMultiplier: (acc + bias) << max(shift, 0), saturating
// rounding doubling high multiply by q_fixed, rounding divide by
// 2^max(-shift, 0) (half away from zero), + output zero point, clamp.
// The shift is a signed byte; only -31..31 is meaningful and values beyond
// are clipped to it (C leaves wider shifts undefined; the model does the same
// clipping).
//
// Three register stages; a new value may enter every cycle.
module tma_requant (
  input  logic               clk_i,
  input  logic               rst_ni,

  input  logic               valid_i,
  input  logic signed [31:0] acc_i,
  input  logic signed [31:0] bias_i,
  input  logic signed [31:0] mult_i,
  input  logic signed [7:0]  shift_i,
  input  logic signed [7:0]  out_zp_i,
  input  logic signed [7:0]  act_min_i,
  input  logic signed [7:0]  act_max_i,

  output logic               valid_o,
  output logic signed [7:0]  q_o
);

  // Stage 1: add bias, apply the left shift (wrapping, as the C reference's
  // unsigned shift does).
  logic signed [31:0] x_q, mult_q;
  logic        [4:0]  right_q, right_q2;
  logic               valid_q, valid_q2, valid_q3;
  logic signed [31:0] sum_c;
  logic        [4:0]  left_c, right_c;

  always_comb begin
    sum_c   = acc_i + bias_i;
    left_c  = '0;
    right_c = '0;
    if (shift_i > 8'sd31) begin
      left_c = 5'd31;
    end else if (shift_i > 8'sd0) begin
      left_c = shift_i[4:0];
    end else if (shift_i < -8'sd31) begin
      right_c = 5'd31;
    end else begin
      right_c = 5'(-shift_i);
    end
  end

  // Stage 2: saturating rounding doubling high multiply. The 64-bit product
  // plus nudge is divided by 2^31 truncating toward zero.
  logic signed [63:0] prod_c, nudged_c;
  logic signed [31:0] high_c, high_q;

  always_comb begin
    prod_c   = 64'(x_q) * 64'(mult_q);
    nudged_c = prod_c + ((prod_c >= 0) ? 64'sd1073741824 : 64'sd1 - 64'sd1073741824);
    if (nudged_c < 0) begin
      nudged_c = nudged_c + 64'sh7fffffff;
    end
    high_c = 32'(nudged_c >>> 31);
    if (x_q == 32'sh80000000 && mult_q == 32'sh80000000) begin
      high_c = 32'sh7fffffff;
    end
  end

  // Stage 3: rounding divide by 2^right (half away from zero), zero point,
  // clamp.
  logic signed [31:0] mask_c, rem_c, thr_c, div_c, out_c;
  logic signed [7:0]  q_d, q_q;

  always_comb begin
    mask_c = 32'(({32'd0, 32'hffffffff} >> (6'd32 - {1'b0, right_q2})) & 64'hffffffff);
    rem_c  = high_q & mask_c;
    thr_c  = (mask_c >>> 1) + ((high_q < 0) ? 32'sd1 : 32'sd0);
    div_c  = (high_q >>> right_q2) + ((rem_c > thr_c) ? 32'sd1 : 32'sd0);
    out_c  = div_c + 32'(out_zp_i);
    if (out_c < 32'(act_min_i)) begin
      q_d = act_min_i;
    end else if (out_c > 32'(act_max_i)) begin
      q_d = act_max_i;
    end else begin
      q_d = out_c[7:0];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q  <= 1'b0;
      valid_q2 <= 1'b0;
      valid_q3 <= 1'b0;
      x_q      <= '0;
      mult_q   <= '0;
      right_q  <= '0;
      right_q2 <= '0;
      high_q   <= '0;
      q_q      <= '0;
    end else begin
      valid_q  <= valid_i;
      valid_q2 <= valid_q;
      valid_q3 <= valid_q2;
      if (valid_i) begin
        x_q     <= sum_c <<< left_c;
        mult_q  <= mult_i;
        right_q <= right_c;
      end
      if (valid_q) begin
        high_q   <= high_c;
        right_q2 <= right_q;
      end
      if (valid_q2) begin
        q_q <= q_d;
      end
    end
  end

  assign valid_o = valid_q3;
  assign q_o     = q_q;

endmodule
