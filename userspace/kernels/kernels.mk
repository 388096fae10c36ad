# CPU kernels: plain C99 reference kernels (the oracle) and, beside them,
# optimised variants. They know nothing of devices or model files.
LIBTM_SRCS += $(wildcard userspace/kernels/*.c)
