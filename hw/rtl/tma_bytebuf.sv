// SPDX-License-Identifier: MIT
//
// tma_bytebuf - on-chip SRAM written in bus-sized words (with byte mask) and
// read in wider words, one read per cycle with one cycle of latency. The
// write side is the DMA's granularity, the read side the datapath's, so no
// block needs to know the other's width. Made of RdBytes/WrBytes banks of
// WrBytes-wide words: one write touches one bank, a read all of them.
module tma_bytebuf #(
  parameter int unsigned Bytes   = 1024,
  parameter int unsigned WrBytes = 8,
  parameter int unsigned RdBytes = 32,
  localparam int unsigned Depth  = Bytes / RdBytes,
  localparam int unsigned Banks  = RdBytes / WrBytes,
  localparam int unsigned WaW    = $clog2(Bytes / WrBytes),
  localparam int unsigned RaW    = Depth > 1 ? $clog2(Depth) : 1
) (
  input  logic                 clk_i,

  input  logic                 we_i,
  input  logic [WaW-1:0]       waddr_i,
  input  logic [WrBytes*8-1:0] wdata_i,
  input  logic [WrBytes-1:0]   wmask_i,

  input  logic                 re_i,
  input  logic [RaW-1:0]       raddr_i,
  output logic [RdBytes*8-1:0] rdata_o
);

  logic [RdBytes*8-1:0] mem_q [Depth];
  logic [RdBytes*8-1:0] rdata_q;

  // Which bank of which row a write-side word address names.
  localparam int unsigned BankW = Banks > 1 ? $clog2(Banks) : 1;
  logic [RaW-1:0]   wrow;
  logic [BankW-1:0] wbank;

  if (Banks > 1) begin : g_banked
    assign wbank = waddr_i[BankW-1:0];
    assign wrow  = RaW'(waddr_i >> BankW);
  end else begin : g_single
    assign wbank = '0;
    assign wrow  = RaW'(waddr_i);
  end

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      for (int unsigned b = 0; b < WrBytes; b++) begin
        if (wmask_i[b]) begin
          mem_q[wrow][(32'(wbank) * WrBytes + b) * 8 +: 8] <= wdata_i[8*b +: 8];
        end
      end
    end
    if (re_i) begin
      rdata_q <= mem_q[raddr_i];
    end
  end

  assign rdata_o = rdata_q;

endmodule
