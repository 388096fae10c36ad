#!/bin/sh
# synth.sh OUTDIR [TOP...]: generic yosys synthesis of TMA blocks at their
# default parameters; per block the cell count, the CMOS transistor estimate
# of `stat -tech cmos` and the flip-flop bits, as a table on stdout (the
# logs stay in OUTDIR). SRAM buffers are left as $mem cells and counted in
# bits, not mapped to flip-flops, so the figures are the logic around them.
set -eu
out=$1; shift
tops=${*:-tma_mac_array tma_requant tma_dma_rd tma_bytebuf}
mkdir -p "$out"
# Only the packages and the blocks: Debian's yosys 0.23 cannot parse
# tma_dma_wr, tma_layer and tma_top (docs/hw.md) and would stop at them.
srcs=$(sed -e '/^\/\//d' -e '/tma_dma_wr\|tma_layer\|tma_top/d' hw/rtl/tma.f | tr '\n' ' ')
printf '%-16s %10s %14s %10s %10s\n' block cells transistors ff_bits sram_bits
for t in $tops; do
	yosys -q -l "$out/$t.log" -p "read_verilog -sv $srcs; \
		synth -top $t -flatten -run begin:fine; memory -nomap; \
		opt -full; techmap; opt -fast; abc -fast; opt -fast; \
		tee -o $out/$t.stat stat -tech cmos; \
		tee -o $out/$t.mem dump t:\$mem_v2" >/dev/null
	cells=$(sed -n 's/^ *Number of cells: *\([0-9]*\).*/\1/p' "$out/$t.stat" | tail -1)
	tr=$(sed -n 's/.*Estimated number of transistors: *\([0-9]*\).*/\1/p' "$out/$t.stat" | tail -1)
	ff=$(awk '$1 ~ /DFF/ {n+=$2} END{print n+0}' "$out/$t.stat")
	mem=$(awk '/parameter .SIZE /{s=$3} /parameter .WIDTH /{w=$3} /^ *end$/{if(s&&w)n+=s*w; s=w=0} END{print n+0}' "$out/$t.mem")
	printf '%-16s %10s %14s %10s %10s\n' "$t" "${cells:-?}" "${tr:-?}" "$ff" "${mem:-0}"
done
