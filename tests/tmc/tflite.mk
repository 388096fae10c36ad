# The TFLite importer's checks.
#
# tflite-check: the .tflite form of each openWakeWord model in make models'
# npm cache (fetched once by tests/models/models.mk, reused here) is compiled
# by tmc and must give the outputs of the ONNX form's model.bin through
# tmrun (tests/tmc/tflite_compare.py). hey_jarvis's .tflite runs its verifier
# in an IF with branch subgraphs (inlined and selected, like the ONNX If); its
# perturbed inputs take both branches.
TFLITE_DIR    := $(MODELS_DIR)/tflite
# Also left out: the package's hey_rhasspy .tflite is another model than its
# .onnx (none of its 9 weight tensors occurs in the .onnx file, while all of
# hey_mycroft's and alexa's do), so their outputs differ by design.
TFLITE_MODELS := $(filter-out hey_rhasspy%,$(OWW_MODELS))
# The melspectrogram .tflite stores its input as 1x1 samples: bound like the
# ONNX form (1280 new + 480 overlap samples), every shape is re-inferred.
TFLITE_ARGS_melspectrogram := --shape serving_default_input:0=1x1760
# The classifiers (hey_rhasspy and hey_jarvis's IF included) are also run by an independent numpy
# interpreter of their .tflite (tests/tmc/tflite_numpy_ref.py).
TFLITE_REF_MODELS := $(filter-out melspectrogram embedding_model,$(OWW_MODELS))
TFLITE_FLOAT  := $(sort $(TFLITE_MODELS:%=$(TFLITE_DIR)/%.float.bin) \
                        $(TFLITE_REF_MODELS:%=$(TFLITE_DIR)/%.float.bin))

$(TFLITE_DIR)/%.float.bin: $(MODELS_STAMP) $(BUILD)/bin/tmc
	@mkdir -p $(dir $@)
	$(BUILD)/bin/tmc compile $(MODELS_SRC)/$*.tflite -o $@ $(TFLITE_ARGS_$*)

.PHONY: tflite-models tflite-check
tflite-models: $(TFLITE_FLOAT)

# The build of the models is part of the recorded command, so a model that no
# longer compiles counts as a failure.
tflite-check: models $(BUILD)/bin/tmrun
	-@tests/record.sh tflite-vs-onnx sh -c '$(MAKE) --no-print-directory tflite-models && \
		$(PYTHON) tests/tmc/tflite_compare.py $(BUILD)/bin/tmrun $(MODELS_DIR) $(TFLITE_DIR) \
		$(MODELS_DIR)/calib $(TFLITE_MODELS)'
	@tests/record.sh tflite-vs-numpy sh -c '$(MAKE) --no-print-directory tflite-models && \
		$(PYTHON) tests/tmc/tflite_numpy_ref.py $(BUILD)/bin/tmrun $(MODELS_SRC) $(TFLITE_DIR) \
		$(MODELS_DIR)/calib $(TFLITE_REF_MODELS)'

CHECK_TARGETS += tflite-check

# Unit tests: small models written by an independent forward FlatBuffers
# writer (tests/tmc/tflite_build.c); recursive '=' because TMC_LIB_SRCS comes
# from tests/tmc/tmc_tests.mk, included after this fragment.
UNIT_TESTS        += test_tflite
test_tflite_SRCS   = tests/tmc/test_tflite.c tests/tmc/tflite_build.c $(TMC_LIB_SRCS)
test_tflite_LDLIBS := -lprotobuf-c
