# SPDX-License-Identifier: LGPL-3.0-or-later
# libFuzzer targets of the host-built parsers (tests/fuzz, clang + libFuzzer).
# Included by the top-level Makefile; works alone too:
#   make -f tests/fuzz/fuzz.mk fuzz-smoke
#
#   make fuzz         build into $(OUT)/fuzz, then fuzz every target for
#                     FUZZ_SECONDS (default 60) on its corpus in
#                     $(OUT)/fuzz/corpus/<target> (seeded from
#                     tests/fuzz/corpus/<target>, kept between runs)
#   make fuzz-smoke   build, then FUZZ_RUNS inputs (default 20000) per
#                     target from a fresh copy of its seeds; fails if any
#                     target crashes ("N passed, M failed" at the end)
#   FUZZ_TARGETS=igd  only some targets; FUZZ_JOBS targets run at a time
# Crashes go to $(OUT)/fuzz/crashes/<target>/, logs to $(OUT)/fuzz/logs/.
# Reproduce one: $(OUT)/fuzz/fuzz_<target> <crash file>.
#
# A new target: its name in FUZZ_TARGETS here and in tests/fuzz/CMakeLists.txt,
# the source tests/fuzz/fuzz_<name>.cc, seeds in tests/fuzz/corpus/<name>/.

_fuzz_default_goal := $(.DEFAULT_GOAL)

OUT ?= out
FUZZ_TARGETS ?= e820 fwcfg_dir igd dap mbr smbios tableloader eltorito romheader bootorder pci hid sercon lz
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 20000
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
FUZZ_CXX ?= clang++

FUZZ_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FUZZ_BUILD := $(OUT)/fuzz
FUZZ_RUN := /usr/bin/python3 $(FUZZ_SRC)/run_fuzz.py --build $(FUZZ_BUILD) --seeds $(FUZZ_SRC)/corpus \
            --jobs $(FUZZ_JOBS)

.PHONY: fuzz fuzz-smoke fuzz-build

fuzz-build:
	cmake -S $(FUZZ_SRC) -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(FUZZ_JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

fuzz: fuzz-build
	$(FUZZ_RUN) --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	$(FUZZ_RUN) --runs $(FUZZ_RUNS) $(FUZZ_TARGETS)

# Including this file does not change the includer's default goal.
.DEFAULT_GOAL := $(_fuzz_default_goal)
