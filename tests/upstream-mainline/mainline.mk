# SPDX-License-Identifier: GPL-2.0
# Read after the 6.12 selftests' Makefile (scripts/build.sh: make -f Makefile -f this):
# builds mainline's tracing_multi selftests into test_progs with the tree's libbpf, headers
# and bpftool. MAINLINE_SRC: their tools/testing/selftests/bpf (scripts/fetch-mainline.sh).
# The test file itself joins test_progs through prog_tests/mainline_tracing_multi.c, which
# build.sh writes (test_progs runs the tests of prog_tests/*.c only); this adds what that
# object needs and the Makefile does not know: the BPF objects, their skeletons, compat.o.

MAINLINE_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
MAINLINE_BPF_OBJS := $(patsubst %.c,$(OUTPUT)/%.bpf.o,\
		       $(notdir $(wildcard $(MAINLINE_SRC)/progs/tracing_multi_*.c)))

# As the Makefile builds progs/*.c, after compat_bpf.h. Only the programs were fetched:
# bpf_misc.h and the other headers they include in quotes are the 6.12 tree's (progs/).
$(MAINLINE_BPF_OBJS): $(OUTPUT)/%.bpf.o: $(MAINLINE_SRC)/progs/%.c $(MAINLINE_DIR)/compat_bpf.h \
		      $(INCLUDE_DIR)/vmlinux.h $(wildcard $(CURDIR)/progs/*.h) \
		      $(HEADERS_FOR_BPF_OBJS) | $(BPFOBJ)
	$(call CLANG_BPF_BUILD_RULE,$<,$@,$(BPF_CFLAGS) $(CLANG_CFLAGS) \
		-iquote $(CURDIR)/progs -include $(MAINLINE_DIR)/compat_bpf.h,test_progs)

# The skeletons mainline's tracing_multi.c includes; those its Makefile links (LINKED_SKELS)
# from the programs and the checker they share, the others from one object each.
MAINLINE_SKELS := tracing_multi tracing_multi_module tracing_multi_intersect \
		  tracing_multi_session tracing_multi_fail tracing_multi_verifier \
		  tracing_multi_bench tracing_multi_rollback
tracing_multi-objs := tracing_multi_attach tracing_multi_check
tracing_multi_module-objs := tracing_multi_attach_module tracing_multi_check
tracing_multi_intersect-objs := tracing_multi_intersect_attach tracing_multi_check
tracing_multi_session-objs := tracing_multi_session_attach tracing_multi_check

define MAINLINE_SKEL
$(OUTPUT)/$1.skel.h: $(patsubst %,$(OUTPUT)/%.bpf.o,$(or $($1-objs),$1)) $(BPFTOOL)
	$$(call msg,GEN-SKEL,test_progs,$$@)
	$(Q)$(BPFTOOL) gen object $(OUTPUT)/$1.linked.o $(patsubst %,$(OUTPUT)/%.bpf.o,$(or $($1-objs),$1))
	$(Q)$(BPFTOOL) gen skeleton $(OUTPUT)/$1.linked.o name $1 >$$@
	$(Q)rm -f $(OUTPUT)/$1.linked.o
endef
$(foreach s,$(MAINLINE_SKELS),$(eval $(call MAINLINE_SKEL,$s)))

# Rebuilt when the fetched test, the compat header or a skeleton changes (the Makefile's
# dependency list for test objects holds only the skeletons of progs/*.c).
$(OUTPUT)/mainline_tracing_multi.test.o: $(MAINLINE_SRC)/prog_tests/tracing_multi.c \
	$(MAINLINE_DIR)/compat.h $(patsubst %,$(OUTPUT)/%.skel.h,$(MAINLINE_SKELS))

$(OUTPUT)/mainline_compat.o: $(MAINLINE_DIR)/compat.c $(MAINLINE_DIR)/compat.h | $(BPFOBJ)
	$(call msg,EXT-OBJ,test_progs,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# test_progs links every object among its prerequisites.
$(OUTPUT)/test_progs: $(OUTPUT)/mainline_compat.o
