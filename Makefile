# Entry points; the work is in scripts/. VARIANT=debug selects the debug kernel config,
# VARIANT=upstream the BPF selftests' one (check-upstream).
# `make help` lists the targets.
VARIANT ?= vm
export VARIANT

.PHONY: help deps tree export drift checkpatch build check check-debug check-upstream demo clean

help:
	@echo "make demo         boot the patched kernel in QEMU and show bpftool at work"
	@echo "make check        build everything that changed, run the VM test suite"
	@echo "make check-debug  the same on the debug kernel (KASAN, kmemleak, lockdep)"
	@echo "make check-upstream  the tree's own BPF selftests (test_progs, tests/upstream-subset)"
	@echo "                  on a kernel built from their config; UPSTREAM_TESTS=all: every test"
	@echo "make tree         create/update the kernel work tree build/linux from ./series"
	@echo "make export       write build/linux's commits back to the patch files and ./series"
	@echo "make drift        fail if build/linux and ./series differ"
	@echo "make checkpatch   scripts/checkpatch.pl --strict on every patch of the series"
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

build: tree
	@scripts/build.sh

check: build
	@scripts/vm.sh check

check-debug:
	@$(MAKE) --no-print-directory check VARIANT=debug

# Not part of check: a second kernel and the selftests take 30 min or more to build.
check-upstream:
	@$(MAKE) --no-print-directory build VARIANT=upstream
	@VARIANT=upstream scripts/vm.sh selftests

demo: build
	@scripts/vm.sh demo

clean:
	rm -rf build
