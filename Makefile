# Build generated patches by hand:  make path/to/prog-v1.so  (from prog-v1.polus.c)
# The same flags as `polusgen build` (polusgen/build.py).  Add the program's
# headers with  make X.so PATCH_INCLUDES="-I/path/to/src".
CC ?= gcc
RUNTIME_DIR := $(dir $(lastword $(MAKEFILE_LIST)))runtime
PATCH_CFLAGS := -O2 -g -Wall -Werror -fPIC -shared -Wl,-z,noseparate-code -Wl,-z,norelro
PATCH_INCLUDES ?=

%.so: %.polus.c $(RUNTIME_DIR)/polus.h
	$(CC) $(PATCH_CFLAGS) -I$(RUNTIME_DIR) $(PATCH_INCLUDES) $< -o $@

.PHONY: test
test:
	python -m pytest -q
