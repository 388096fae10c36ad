// tma.f - the TMA RTL, packages first (verilator -f / yosys read order).
hw/rtl/tma_reg_pkg.sv
hw/rtl/tma_pkg.sv
hw/rtl/tma_bytebuf.sv
hw/rtl/tma_mac_array.sv
hw/rtl/tma_requant.sv
hw/rtl/tma_dma_rd.sv
hw/rtl/tma_dma_wr.sv
hw/rtl/tma_layer.sv
hw/rtl/tma_top.sv
