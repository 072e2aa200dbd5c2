# SPDX-License-Identifier: LGPL-3.0-or-later
# ReefBIOS build. `make` builds out/bios.bin; see README.md for the rest.

OUT ?= out
PYTHON := /usr/bin/python3
CXX := g++
LD := ld
OBJCOPY := objcopy
KCONFIG := $(PYTHON) scripts/kconfig.py
KCONFIG_CONFIG ?= .config

# ---- sources -------------------------------------------------------------
# src/sources.list says which source builds in which mode (also read by the
# host unit tests and the fuzzers).
modes_of = $(shell awk '!/^\#/ && NF > 1 { for (i = 2; i <= NF; i++) if ($$i == "$(1)") print $$1 }' src/sources.list)
SRC16 := $(call modes_of,rt16)
SRCRT32 := $(call modes_of,rt32)
SRCINIT32 := $(call modes_of,init32)
SRCPI32 := $(call modes_of,pi32)
SRCBOTH := $(filter $(SRCRT32) $(SRCINIT32) $(SRCPI32),$(SRC16))

OBJ16 := $(patsubst %,$(OUT)/o16/%.o16,$(basename $(SRC16)))
OBJRT32 := $(patsubst %,$(OUT)/o32/%.o32,$(basename $(SRCRT32)))
OBJINIT32 := $(patsubst %,$(OUT)/init/%.oinit,$(basename $(SRCINIT32)))
OBJPI32 := $(patsubst %,$(OUT)/pi/%.opi,$(basename $(SRCPI32)))
OBJBOTH := $(patsubst %,$(OUT)/o16/%.o16,$(basename $(SRCBOTH))) \
           $(patsubst %,$(OUT)/o32/%.o32,$(basename $(filter $(SRCRT32),$(SRCBOTH)))) \
           $(patsubst %,$(OUT)/init/%.oinit,$(basename $(filter $(SRCINIT32),$(SRCBOTH)))) \
           $(patsubst %,$(OUT)/pi/%.opi,$(basename $(filter $(SRCPI32),$(SRCBOTH))))
OBJ32 := $(OBJRT32) $(OBJPI32) $(OBJINIT32)
# Call graphs with frame sizes (-fcallgraph-info), for scripts/stackcheck.py.
CI16 := $(patsubst %,$(OUT)/o16/%.o16.ci,$(basename $(filter %.cc,$(SRC16))))
CIPI := $(patsubst %,$(OUT)/pi/%.ci,$(basename $(filter %.cc,$(SRCPI32))))
CI32 := $(patsubst %,$(OUT)/o32/%.ci,$(basename $(filter %.cc,$(SRCRT32)))) $(CIPI) \
        $(patsubst %,$(OUT)/init/%.ci,$(basename $(filter %.cc,$(SRCINIT32))))

# ---- version -------------------------------------------------------------
GIT_HASH := $(shell git rev-parse --short=10 HEAD 2>/dev/null)
GIT_DIRTY := $(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
VERSION := 0.1-$(if $(GIT_HASH),g$(GIT_HASH)$(GIT_DIRTY),nogit)
BIOS_DATE := $(shell git log -1 --format=%cd --date=format:%m/%d/%y 2>/dev/null || echo 01/01/26)
ifeq ($(BIOS_DATE),)
BIOS_DATE := 01/01/26
endif

# ---- flags ---------------------------------------------------------------
FWFLAGS := -std=c++20 -ffreestanding -nostdinc -fno-exceptions -fno-rtti \
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-pic -fno-pie \
  -fno-stack-protector -fno-threadsafe-statics -fno-common \
  -fno-tree-loop-distribute-patterns -fno-delete-null-pointer-checks \
  -fno-strict-aliasing --param=min-pagesize=0 -mgeneral-regs-only \
  -march=i686 -mtune=generic -mregparm=3 -mpreferred-stack-boundary=2 \
  -ffunction-sections -fdata-sections -Os -g -fcallgraph-info=su \
  -Wall -Wextra -Werror -Wno-missing-field-initializers \
  -Isrc -I$(OUT)
ASFLAGS16 := -m16 -Isrc -I$(OUT)
ASFLAGS32 := -m32 -Isrc -I$(OUT)
# Position-independent 32-bit code (pi32 in src/sources.list): every symbol
# is reached PC-relatively (through the GOT base, never through GOT entries);
# scripts/checkrefs.py enforces it (docs/pci-bios.md).
PIFLAGS := -m32 -DREEF_MODE32 -DREEF_PI -fpic -include src/lib/pi.h
DEPFLAGS = -MMD -MP -MT $@ -MF $@.d
# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2)
endif

PYTEST_PATHS ?= tests/build tests/qemu

.PHONY: distclean print-link-inputs all fuzz fuzz-smoke defconfig olddefconfig menuconfig deps run test unit-test qemu-test bench clean FORCE
.DELETE_ON_ERROR:

# CONFIG_VGA_BIOS (default y): the VGA BIOS ROMs too.
all: $(OUT)/bios.bin $(if $(shell grep -s '^\# CONFIG_VGA_BIOS is not set' $(KCONFIG_CONFIG)),,vgaroms)

# ---- configuration -------------------------------------------------------
$(KCONFIG_CONFIG):
	$(KCONFIG) defconfig Kconfig $@
defconfig:
	$(KCONFIG) defconfig Kconfig $(KCONFIG_CONFIG)
olddefconfig:
	$(KCONFIG) olddefconfig Kconfig $(KCONFIG_CONFIG)
menuconfig:
	$(KCONFIG) menuconfig Kconfig $(KCONFIG_CONFIG)

$(OUT)/autoconf.h: $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(OUT)
	$(Q)$(KCONFIG) olddefconfig Kconfig $(KCONFIG_CONFIG) >/dev/null
	$(Q)$(KCONFIG) header Kconfig $(KCONFIG_CONFIG) $@

$(OUT)/version.h: FORCE
	@mkdir -p $(OUT)
	@printf '#pragma once\n#define REEF_VERSION "%s"\n#define REEF_BIOS_DATE "%s"\n' "$(VERSION)" "$(BIOS_DATE)" > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# version.h is order-only: the files that include it depend on it through
# their .d files, so a new commit rebuilds only those.
GEN := $(OUT)/autoconf.h Makefile | $(OUT)/version.h

# ---- compile -------------------------------------------------------------
# Constants the assembly takes from C++ (src/asm_offsets.cc).
$(OUT)/asm-offsets.h: src/asm_offsets.cc $(GEN)
	$(call say,GEN,$@)
	$(Q)$(CXX) $(FWFLAGS) -m32 -DREEF_MODE32 -MMD -MP -MT $@ -MF $@.d -S $< -o $@.s
	$(Q)( echo '/* Generated from src/asm_offsets.cc by the Makefile: do not edit. */'; \
	  sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\([A-Za-z0-9_]*\) \(.*\)"$$/#define \1 \2/p' $@.s ) > $@.tmp
	$(Q)mv $@.tmp $@
ASMGEN := $(OUT)/asm-offsets.h

# 16-bit objects get every symbol prefixed with _r16_ so the same source can
# also be built as 32-bit code (see src/rom.ld.S).
$(OUT)/o16/%.o16: %.cc $(GEN)
	@mkdir -p $(dir $@)
	$(call say,CXX16,$<)
	$(Q)$(CXX) $(FWFLAGS) -m16 -DREEF_MODE16 $(DEPFLAGS) -c $< -o $@.tmp
	$(Q)$(OBJCOPY) --prefix-symbols=_r16_ $@.tmp $@ && rm -f $@.tmp
$(OUT)/o16/%.o16: %.S $(ASMGEN) $(GEN)
	@mkdir -p $(dir $@)
	$(call say,AS16,$<)
	$(Q)$(CXX) $(ASFLAGS16) -DREEF_MODE16 $(DEPFLAGS) -c $< -o $@.tmp
	$(Q)$(OBJCOPY) --prefix-symbols=_r16_ $@.tmp $@ && rm -f $@.tmp
$(OUT)/o32/%.o32: %.cc $(GEN)
	@mkdir -p $(dir $@)
	$(call say,CXX32,$<)
	$(Q)$(CXX) $(FWFLAGS) -m32 -DREEF_MODE32 $(DEPFLAGS) -c $< -o $@
$(OUT)/o32/%.o32: %.S $(ASMGEN) $(GEN)
	@mkdir -p $(dir $@)
	$(call say,AS32,$<)
	$(Q)$(CXX) $(ASFLAGS32) -DREEF_MODE32 $(DEPFLAGS) -c $< -o $@
# Position-independent 32-bit objects: runtime code that also runs at an
# address other than its link address (the BIOS32 entries, called by 32-bit
# Linux at PAGE_OFFSET + physical); placed with the runtime 32-bit code.
$(OUT)/pi/%.opi: %.cc $(GEN)
	@mkdir -p $(dir $@)
	$(call say,CXXPI,$<)
	$(Q)$(CXX) $(FWFLAGS) $(PIFLAGS) $(DEPFLAGS) -c $< -o $@
$(OUT)/pi/%.opi: %.S $(ASMGEN) $(GEN)
	@mkdir -p $(dir $@)
	$(call say,ASPI,$<)
	$(Q)$(CXX) $(ASFLAGS32) -DREEF_MODE32 -DREEF_PI $(DEPFLAGS) -c $< -o $@
# POST-only objects: the same 32-bit compiler, a suffix the linker script
# places in the init region.
$(OUT)/init/%.oinit: %.cc $(GEN)
	@mkdir -p $(dir $@)
	$(call say,CXXINIT,$<)
	$(Q)$(CXX) $(FWFLAGS) -m32 -DREEF_MODE32 -DREEF_INIT_OBJECT $(DEPFLAGS) -c $< -o $@
$(OUT)/init/%.oinit: %.S $(ASMGEN) $(GEN)
	@mkdir -p $(dir $@)
	$(call say,ASINIT,$<)
	$(Q)$(CXX) $(ASFLAGS32) -DREEF_MODE32 -DREEF_INIT_OBJECT $(DEPFLAGS) -c $< -o $@

# ---- link and check ------------------------------------------------------
$(OUT)/rom.ld: src/rom.ld.S src/layout.h
	@mkdir -p $(OUT)
	$(call say,CPP,$@)
	$(Q)cpp -P -undef -Isrc $< -o $@

$(OUT)/bios.elf: $(OUT)/rom.ld $(OBJ16) $(OBJ32)
	$(call say,LD,$@)
	$(Q)$(LD) -m elf_i386 -nostdlib --no-check-sections --gc-sections -z noexecstack --no-warn-rwx-segments -T $(OUT)/rom.ld \
	  -Map $(OUT)/bios.map -o $@ $(OBJ32) $(OBJ16)

# References between the regions and writable data in files built in both
# modes (scripts/checkrefs.py); the image layout (scripts/checklayout.py).
# Every stack against its worst case (scripts/stackcheck.py).
$(OUT)/bios.bin: $(OUT)/bios.elf scripts/checklayout.py scripts/checkrefs.py scripts/stackcheck.py
	$(Q)$(PYTHON) scripts/checkrefs.py --rt16 $(OBJ16) --rt32 $(OBJRT32) --pi $(OBJPI32) --init $(OBJINIT32) \
	  --both $(OBJBOTH)
	$(Q)$(PYTHON) scripts/stackcheck.py --layout src/layout.h --offsets $(OUT)/asm-offsets.h \
	  --ci16 $(CI16) --ci32 $(CI32) --cipi $(CIPI) --report $(OUT)/stack-report.txt
	$(Q)$(OBJCOPY) -O binary $< $@.tmp
	$(Q)$(PYTHON) scripts/checklayout.py $< $@.tmp
	$(Q)mv $@.tmp $@

-include $(shell find $(OUT)/o16 $(OUT)/o32 $(OUT)/pi $(OUT)/init -name '*.d' 2>/dev/null) $(wildcard $(OUT)/asm-offsets.h.d)

# ---- VGA BIOS option ROMs (vgasrc/, docs/vga-bios.md) ----------------------
# vga16 sources of src/sources.list, built once per variant (the device the
# ROM names) with -DVGA_VARIANT_<NAME>; the font is generated from
# console-setup's PSF fonts. gcc must not emit jump or switch tables: they
# would be read through DS, which is the caller's stack (vgasrc/vgarom.h).
SRCVGA := $(call modes_of,vga16)
VGA_VARIANTS := stdvga virtio qxl bochs-display ramfb
VGA_IDS_stdvga := 1234 1111
VGA_IDS_virtio := 1af4 1050
VGA_IDS_qxl := 1b36 0100
VGA_IDS_bochs-display := 1234 1111
VGA_IDS_ramfb := 1234 1111
VGAFLAGS := $(filter-out -fcallgraph-info=su,$(FWFLAGS)) -I. -m16 -DREEF_MODE16 -DREEF_VGAROM \
  -fno-jump-tables -fno-tree-switch-conversion
VGAROMS := $(patsubst %,$(OUT)/vgabios-%.bin,$(VGA_VARIANTS))
.PHONY: vgaroms
vgaroms: $(VGAROMS)

$(OUT)/vgasrc/font.cc: scripts/mkvgafont.py
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)$(PYTHON) scripts/mkvgafont.py $@

define vga_variant
OBJVGA_$(1) := $$(patsubst %,$(OUT)/vga/$(1)/%.ov,$$(basename $$(SRCVGA))) $(OUT)/vga/$(1)/font.ov
$(OUT)/vga/$(1)/%.ov: %.cc $$(GEN)
	@mkdir -p $$(dir $$@)
	$$(call say,CXXVGA,$$<)
	$$(Q)$$(CXX) $$(VGAFLAGS) -DVGA_VARIANT_$(2) $$(DEPFLAGS) -c $$< -o $$@
$(OUT)/vga/$(1)/%.ov: %.S $$(GEN)
	@mkdir -p $$(dir $$@)
	$$(call say,ASVGA,$$<)
	$$(Q)$$(CXX) $$(ASFLAGS16) -I. -DREEF_MODE16 -DVGA_VARIANT_$(2) $$(DEPFLAGS) -c $$< -o $$@
$(OUT)/vga/$(1)/font.ov: $(OUT)/vgasrc/font.cc $$(GEN)
	@mkdir -p $$(dir $$@)
	$$(call say,CXXVGA,$$<)
	$$(Q)$$(CXX) $$(VGAFLAGS) -DVGA_VARIANT_$(2) $$(DEPFLAGS) -c $$< -o $$@
$(OUT)/vgabios-$(1).elf: vgasrc/vgarom.ld $$(OBJVGA_$(1))
	$$(call say,LD,$$@)
	$$(Q)$$(LD) -m elf_i386 -nostdlib --gc-sections -z noexecstack --no-warn-rwx-segments -T vgasrc/vgarom.ld \
	  -Map $(OUT)/vgabios-$(1).map -o $$@ $$(OBJVGA_$(1))
$(OUT)/vgabios-$(1).bin: $(OUT)/vgabios-$(1).elf scripts/vgarom.py scripts/checkvgarefs.py
	$$(call say,ROM,$$@)
	$$(Q)$$(PYTHON) scripts/checkvgarefs.py $$(OBJVGA_$(1))
	$$(Q)$$(OBJCOPY) -O binary -j .rom $$< $$@.raw
	$$(Q)$$(PYTHON) scripts/vgarom.py $$@.raw $$@ $$(VGA_IDS_$(1)) && rm -f $$@.raw
endef
$(foreach v,$(VGA_VARIANTS),$(eval $(call vga_variant,$(v),$(shell echo $(v) | tr a-z- A-Z_))))
-include $(shell find $(OUT)/vga -name '*.d' 2>/dev/null)

# Our VGA ROMs inside the BIOS image, packed (scripts/lzpack.py, src/lib/lz.h):
# the framebuffer console ROM always, the std VGA ROM with VGA_PREFER_OURS
# (src/fw/vgarom_embed.S).
$(OUT)/vgabios-%.lz: $(OUT)/vgabios-%.bin scripts/lzpack.py
	$(call say,LZ,$@)
	$(Q)$(PYTHON) scripts/lzpack.py $< $@
# (VGA_BIOS is on unless the configuration says otherwise: its default is y.)
ifeq ($(shell grep -s '^\# CONFIG_VGA_BIOS is not set' $(KCONFIG_CONFIG)),)
$(OUT)/init/src/fw/vgarom_embed.oinit: $(OUT)/vgabios-bochs-display.lz
ifeq ($(shell grep -s '^CONFIG_VGA_PREFER_OURS=y' $(KCONFIG_CONFIG)),CONFIG_VGA_PREFER_OURS=y)
$(OUT)/init/src/fw/vgarom_embed.oinit: $(OUT)/vgabios-stdvga.lz
endif
endif
$(OUT)/init/src/fw/vgarom_embed.oinit: ASFLAGS32 += -DVGA_FB_ROM='"$(OUT)/vgabios-bochs-display.lz"' \
  -DVGA_STD_ROM='"$(OUT)/vgabios-stdvga.lz"'

# For tests that relink the objects with a modified linker script.
print-link-inputs:
	@echo $(OBJ32) $(OBJ16)

# ---- run, test, bench ----------------------------------------------------
deps:
	scripts/deps.sh

run: deps
	$(MAKE) all
	scripts/run.sh

test: deps
	$(MAKE) all
	$(MAKE) unit-test
	$(MAKE) fuzz-smoke
	$(MAKE) qemu-test

unit-test:
	cmake -S tests/unit -B $(OUT)/host -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(OUT)/host -j2
	cd $(OUT)/host && ctest --output-on-failure

qemu-test: $(OUT)/bios.bin
	$(PYTHON) -m pytest -v -p no:cacheprovider $(PYTEST_PATHS) $(PYTEST_ARGS)

# libFuzzer targets of the host-built parsers: `make fuzz` (FUZZ_SECONDS per
# target, default 60), `make fuzz-smoke` (a fixed number of runs, in make test).
include tests/fuzz/fuzz.mk

bench: deps
	$(MAKE) all
	$(PYTHON) scripts/bench.py

# `clean` keeps the downloaded kernel (out/payloads/kernel); `distclean` does not.
clean:
	@if [ -d $(OUT) ]; then \
	  find $(OUT) -mindepth 1 -maxdepth 1 ! -name payloads -exec rm -rf {} + ; \
	  [ -d $(OUT)/payloads ] && find $(OUT)/payloads -mindepth 1 -maxdepth 1 ! -name kernel -exec rm -rf {} + ; \
	fi; true

distclean:
	rm -rf $(OUT) .config .config.old
