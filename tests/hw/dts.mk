# dts/: the TMA binding and example boards (fragment here because make
# includes fragments from hw/ and tests/, not dts/).
DEPS_APT      += device-tree-compiler dt-schema
CHECK_TARGETS += dts-check
DTS_EXAMPLES  := $(wildcard dts/examples/*.dts)
DTBS          := $(DTS_EXAMPLES:dts/examples/%.dts=$(BUILD)/dts/%.dtb)

$(BUILD)/dts/%.dtb: dts/examples/%.dts
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

.PHONY: dts-check
dts-check:
	@tests/record.sh dts-check tests/hw/dts-check.sh $(BUILD)/dts-check
