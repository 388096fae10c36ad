# hw/model: the TMA functional model. Its sources are linked into libtmsim
# (hw/sim/sim.mk) and into the model's unit tests (tests/hw/hw.mk); they are
# not part of libtm.
TMA_MODEL_SRCS := hw/model/tma_compute.c hw/model/tma_cycles.c hw/model/tma_job.c \
                  hw/model/tma_device.c

$(BUILD)/hw/%.o: CPPFLAGS += -Ihw/regs/generated -Ihw/model -Ihw/sim
