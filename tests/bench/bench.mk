# `make bench`, CPU part: every openWakeWord model through ONNX Runtime (npm
# onnxruntime-node, one thread) and through `tmrun --device cpu` (float and
# int8 model.bin) in one run; medians and ratios go to build/bench/cpu.json
# and to the CPU section of docs/perf.md. The models and the npm cache are
# those of `make models` (tests/models/models.mk), not fetched again.
BENCH_TARGETS += bench-cpu

.PHONY: bench-cpu
bench-cpu: models $(BUILD)/bin/tmrun
	@mkdir -p build/bench
	node tests/bench/bench_cpu.js $(MODELS_NPM)/node_modules $(MODELS_SRC) $(MODELS_DIR) \
		$(BUILD)/bin/tmrun build/bench/cpu.json docs/perf.md $(OWW_MODELS)
