// SPDX-License-Identifier: MIT
//
// tma_dma_rd - the read half of the DMA engine: copies a span of memory
// (region, offset, length) into an on-chip buffer at any destination byte,
// or fills a span of the buffer with one byte (activation padding).
//
// Bounds: the span is checked against the region before the first request;
// a span past the region's size raises fault_o and issues nothing, so no
// access ever leaves its region whatever the caller computed.
//
// Granularity is the nibble, because packed int4 weight rows of an odd-sized
// reduction start mid-byte (and a depthwise int4 weight lands in one nibble
// of its lane's word). Source beats are realigned with one barrel
// shifter: destination word j is a window of two consecutive source beats.
// Nibbles past the span's end are written as zero (the int4 tail of a row
// must not carry the next row's first weight into the MAC array).
module tma_dma_rd #(
  parameter int unsigned BusBytes = 8,
  parameter int unsigned DstAw    = 16,   // destination word address bits
  localparam int unsigned BW      = BusBytes * 8,
  localparam int unsigned NB      = BusBytes * 2,   // nibbles per beat
  localparam int unsigned NBW     = $clog2(NB)
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  // Transfer request, taken when start_i && ready_o.
  input  logic              start_i,
  output logic              ready_o,
  input  logic              fill_i,        // no memory read: write fill_byte_i
  input  logic [7:0]        fill_byte_i,
  input  logic [63:0]       region_base_i,
  input  logic [63:0]       region_size_i,
  input  logic [63:0]       offset_i,      // bytes from region base
  input  logic              offset_nib_i,  // start at the high nibble
  input  logic [31:0]       len_nib_i,     // nibbles, > 0
  input  logic [DstAw+$clog2(BusBytes)-1:0] dst_byte_i,
  input  logic              dst_nib_i,     // start at the high nibble

  output logic              done_o,        // pulse: all words written
  output logic              fault_o,       // pulse: span outside the region
  output logic [63:0]       fault_addr_o,

  // Bus read channel: requests of one aligned beat, responses in order.
  output logic              req_valid_o,
  input  logic              req_ready_i,
  output logic [63:0]       req_addr_o,
  output logic [BusBytes-1:0] req_be_o,    // bytes of the span in this beat
  input  logic              rsp_valid_i,
  input  logic [BW-1:0]     rsp_data_i,

  // Destination buffer write port (BusBytes-wide words).
  output logic              wr_valid_o,
  output logic [DstAw-1:0]  wr_addr_o,
  output logic [BW-1:0]     wr_data_o,
  output logic [BusBytes-1:0] wr_mask_o
);

  localparam int unsigned BB = $clog2(BusBytes);

  logic              busy_q, fill_q;
  logic [7:0]        fill_byte_q;
  logic [63:0]       req_addr_q;
  logic [31:0]       req_left_q, rcv_q, ns_q, nw_q, emit_q, len_q;
  logic [NBW-1:0]    pd_q, d_q;
  logic              lag_q;       // source phase < destination phase
  logic [BW-1:0]     prev_q;
  logic [DstAw-1:0]  dst_word_q;

  // Span check and transfer geometry, from the request.
  logic [64:0] end_c;
  logic [63:0] src_c;
  logic [NBW-1:0] ps_c, pd_c;
  logic [32:0] span_c;
  always_comb begin
    span_c = (33'(len_nib_i) + 33'(offset_nib_i) + 33'd1) >> 1;   // bytes touched
    end_c  = 65'(offset_i) + 65'(span_c);
    src_c  = region_base_i + offset_i;
    ps_c   = {src_c[BB-1:0], offset_nib_i};
    pd_c   = {dst_byte_i[BB-1:0], dst_nib_i};
  end

  // The word to emit this cycle: on a response (window {rsp, prev}), or the
  // final flush (window {0, prev}) once every beat is in, or a fill word.
  logic [2*BW-1:0] window_c;
  logic            emit_c, all_rcv_c;
  logic [31:0]     first_nib_c;
  always_comb begin
    all_rcv_c = rcv_q == ns_q;
    emit_c    = 1'b0;
    window_c  = {{BW{1'b0}}, prev_q};
    if (busy_q && emit_q != nw_q) begin
      if (fill_q) begin
        emit_c = 1'b1;
      end else if (rsp_valid_i) begin
        window_c = {rsp_data_i, prev_q};
        emit_c   = lag_q || rcv_q != 0;
      end else if (all_rcv_c) begin
        emit_c = 1'b1;
      end
    end
  end

  // Data and masks of destination word emit_q: nibble x is valid when its
  // place in the span, emit_q*NB + x - pd, lies in [0, len).
  always_comb begin
    logic [BW-1:0] shifted;
    logic [31:0]   rel;
    shifted   = BW'(window_c >> (4 * 32'(d_q)));
    wr_data_o = '0;
    wr_mask_o = '0;
    first_nib_c = emit_q * NB;
    for (int unsigned x = 0; x < NB; x++) begin
      rel = first_nib_c + x - 32'(pd_q);
      if (first_nib_c + x >= 32'(pd_q) && rel < len_q) begin
        wr_data_o[4*x +: 4] = fill_q ? fill_byte_q[4*(x%2) +: 4] : shifted[4*x +: 4];
        wr_mask_o[x/2]      = 1'b1;
      end
    end
    wr_valid_o = emit_c;
    wr_addr_o  = dst_word_q + DstAw'(emit_q);
  end

  // Byte enables of the next request: the bytes of [first, last] of the span
  // counted from the first beat's start (first = ps/2, last from the length).
  logic [31:0] req_idx_c, span_first_q, span_end_q;
  always_comb begin
    req_idx_c = ns_q - req_left_q;
    for (int unsigned b = 0; b < BusBytes; b++) begin
      req_be_o[b] = req_idx_c * BusBytes + b >= span_first_q &&
                    req_idx_c * BusBytes + b < span_end_q;
    end
  end

  assign ready_o     = !busy_q;
  assign req_valid_o = busy_q && !fill_q && req_left_q != 0;
  assign req_addr_o  = req_addr_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q       <= 1'b0;
      fill_q       <= 1'b0;
      fill_byte_q  <= '0;
      req_addr_q   <= '0;
      req_left_q   <= '0;
      rcv_q        <= '0;
      ns_q         <= '0;
      nw_q         <= '0;
      emit_q       <= '0;
      len_q        <= '0;
      pd_q         <= '0;
      d_q          <= '0;
      lag_q        <= 1'b0;
      prev_q       <= '0;
      dst_word_q   <= '0;
      span_first_q <= '0;
      span_end_q   <= '0;
      done_o       <= 1'b0;
      fault_o      <= 1'b0;
      fault_addr_o <= '0;
    end else begin
      done_o  <= 1'b0;
      fault_o <= 1'b0;
      if (start_i && !busy_q) begin
        if (!fill_i && end_c > 65'(region_size_i)) begin
          fault_o      <= 1'b1;
          fault_addr_o <= src_c;
        end else begin
          busy_q      <= 1'b1;
          fill_q      <= fill_i;
          fill_byte_q <= fill_byte_i;
          req_addr_q  <= {src_c[63:BB], {BB{1'b0}}};
          ns_q        <= fill_i ? 32'd0 : (32'(ps_c) + len_nib_i + NB - 1) / NB;
          req_left_q  <= fill_i ? 32'd0 : (32'(ps_c) + len_nib_i + NB - 1) / NB;
          nw_q        <= (32'(pd_c) + len_nib_i + NB - 1) / NB;
          rcv_q       <= '0;
          emit_q      <= '0;
          len_q       <= len_nib_i;
          pd_q        <= pd_c;
          d_q         <= NBW'(ps_c - pd_c);   // modulo NB
          lag_q       <= ps_c < pd_c;
          dst_word_q  <= DstAw'(dst_byte_i >> BB);
          span_first_q <= 32'(ps_c) >> 1;
          span_end_q   <= (32'(ps_c) + len_nib_i + 1) >> 1;
        end
      end
      if (req_valid_o && req_ready_i) begin
        req_addr_q <= req_addr_q + 64'(BusBytes);
        req_left_q <= req_left_q - 1;
      end
      if (busy_q && rsp_valid_i && !fill_q) begin
        prev_q <= rsp_data_i;
        rcv_q  <= rcv_q + 1;
      end
      if (emit_c) begin
        emit_q <= emit_q + 1;
      end
      // Finished when every word is out and every response is in.
      if (busy_q && (emit_q + (emit_c ? 32'd1 : 32'd0)) == nw_q &&
          (fill_q || rcv_q + ((rsp_valid_i) ? 32'd1 : 32'd0) == ns_q)) begin
        busy_q <= 1'b0;
        done_o <= 1'b1;
      end
    end
  end

endmodule
