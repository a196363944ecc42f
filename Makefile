# Entry points; the work is in scripts/. VARIANT=debug selects the debug kernel config,
# VARIANT=upstream the BPF selftests' one (check-upstream), VARIANT=stock the pristine
# kernel with the VM's config (check-stock), VARIANT=mainline mainline's 7.2 kernel with it
# (check-mainline).
# `make help` lists the targets.
VARIANT ?= vm
export VARIANT

.PHONY: help deps tree export drift checkpatch series-check build check check-debug check-fault check-host check-upstream check-stock check-mainline demo bench clean

help:
	@echo "make demo         boot the patched kernel in QEMU and show bpftool at work"
	@echo "make check        build everything that changed, check the man pages and bpftool's"
	@echo "                  type lists (host), run the VM test suite"
	@echo "make bench        attach/detach/per-call cost of fentry, tracing multi and kprobe_multi"
	@echo "                  links on N functions, in the VM; artifacts in build/bench/latest/"
	@echo "                  N=1,10,100,1000,all  REPS=runs per N  METHODS=fentry,fexit,...  TIMEOUT=s per run"
	@echo "                  TESTS=regex: only the tests whose names match"
	@echo "make check-debug  the same on the debug kernel (PREEMPT, KASAN, kmemleak, lockdep,"
	@echo "                  fault injection, livepatch, BPF LSM)"
	@echo "make check-fault  on the debug kernel: attach and release with each allocation failing"
	@echo "                  in turn (tests/suite-fault)"
	@echo "make check-host   host-side tests under ASan and valgrind (tests/host)"
	@echo "make check-upstream  the tree's own BPF selftests (test_progs, tests/upstream-subset)"
	@echo "                  and mainline's tracing_multi ones (tests/upstream-mainline/) on a"
	@echo "                  kernel built from their config; UPSTREAM_TESTS=all: every test;"
	@echo "                  BASELINE=1: the same with the unpatched tree (kernel and test_progs)"
	@echo "make check-stock  the unpatched kernel with the patched libbpf/bpftool: tests/suite-stock"
	@echo "                  (tracing multi-links reported missing, -EOPNOTSUPP)"
	@echo "make check-mainline  mainline's Linux 7.2 (Debian sid's source, fetched at the first"
	@echo "                  build) with the patched libbpf/bpftool: tests/suite-mainline"
	@echo "make tree         create/update the kernel work tree build/linux from ./series"
	@echo "make export       write build/linux's commits back to the patch files and ./series"
	@echo "make drift        fail if build/linux and ./series differ"
	@echo "make checkpatch   scripts/checkpatch.pl --strict on every patch of the series"
	@echo "make series-check the series as a maintainer gets it: no patch rewrites an earlier"
	@echo "                  one, checkpatch, every commit built (-Werror; arm64, riscv, s390),"
	@echo "                  cover letter and patches in build/series/, applies to the installed"
	@echo "                  source; SERIES_CHECK_STAGES=fixup,checkpatch,build,cover,base,drift"
	@echo "make deps         install the Debian packages the build needs"

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh sync

export:
	@scripts/tree.sh export

drift:
	@scripts/tree.sh drift

checkpatch: tree
	@scripts/checkpatch.sh

# Not part of check: it builds every commit of the series (vmlinux and three other arches).
series-check: tree
	@scripts/series-check.sh

build: tree
	@scripts/build.sh

check: build
	@scripts/host-checks.sh
	@scripts/vm.sh check

check-debug:
	@$(MAKE) --no-print-directory check VARIANT=debug

# Not part of check: allocation failures injected into attach and release (tests/suite-fault)
check-fault:
	@$(MAKE) --no-print-directory build VARIANT=debug
	@VARIANT=debug scripts/vm.sh fault

check-host: build
	@tests/host/run.sh

# Not part of check: a second kernel and the selftests take 30 min or more to build.
# It also builds and runs mainline's tracing_multi selftests (tests/upstream-mainline/),
# fetched from Debian sid at the first build; MAINLINE_SELFTESTS=0 leaves them out.
# BASELINE=1: everything from build/base/linux (the pristine source) into build/base/, to
# compare with stock 6.12 (without mainline's tests: stock 6.12 has no tracing multi-links).
ifeq ($(BASELINE),1)
check-upstream: VARIANT = upstream
check-upstream: tree
	@scripts/tree.sh base
	@BUILD=$(CURDIR)/build/base VARIANT=upstream MAINLINE_SELFTESTS=0 scripts/build.sh
	@BUILD=$(CURDIR)/build/base VARIANT=upstream MAINLINE_SELFTESTS=0 scripts/vm.sh selftests
else
check-upstream:
	@$(MAKE) --no-print-directory build VARIANT=upstream
	@VARIANT=upstream scripts/vm.sh selftests
endif

# Not part of check: a second kernel (the unpatched one) to build.
check-stock:
	@$(MAKE) --no-print-directory build VARIANT=stock
	@VARIANT=stock scripts/vm.sh check

# Not part of check: a third kernel, from mainline's source (fetched from Debian sid).
check-mainline:
	@$(MAKE) --no-print-directory build VARIANT=mainline
	@VARIANT=mainline scripts/vm.sh check

demo: build
	@scripts/vm.sh demo

# Not part of check: at N=1000 it runs for minutes (docs/performance.md).
bench: build
	@BENCH_N="$(N)" BENCH_REPS="$(REPS)" BENCH_METHODS="$(METHODS)" \
		BENCH_TIMEOUT="$(TIMEOUT)" scripts/vm.sh bench

clean:
	rm -rf build
