# tmrun: runs a model.bin on a device or the CPU (owner: runtime).
TOOLS += tmrun
tmrun_SRCS := userspace/tools/tmrun/tmrun.c userspace/tools/tmrun/report.c userspace/tools/common/json.c \
              userspace/tools/common/npy.c
