# Command-line tools: tmrun (run a model.bin), later tmc (the compiler).
