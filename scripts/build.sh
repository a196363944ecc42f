#!/bin/bash
# Build everything the VM needs from build/linux, incrementally:
#   kernel (tinyconfig + kernel/config-$VARIANT fragments), static bpftool (no LLVM, it
#   runs in the guest and generates skeletons on the host), the test module, BPF objects
#   and test runners (tests/Makefile).
# VARIANT=upstream instead builds a kernel from the tree's BPF selftests config and the
# selftests' test_progs (make check-upstream). VARIANT=stock builds the kernel from the
# pristine source (build/base/linux) with the VM's config, and bpftool and the tests from
# the patched tree (make check-stock).
. "$(dirname "$0")/common.sh"

# .git is a file in a worktree (a second tree at another commit, beside build/linux).
[ -e "$TREE/.git" ] || die "no work tree; run scripts/tree.sh sync first"
[ "$VARIANT" != stock ] || "$TOP/scripts/tree.sh" base

FRAGMENTS=("$TOP/kernel/config-vm")
BASE_CONFIGS=()
case $VARIANT in
vm | stock) ;;
debug) FRAGMENTS+=("$TOP/kernel/config-debug") ;;
# The selftests need far more than tinyconfig keeps (tinyconfig also drops BLOCK and
# VIRTIO_MENU, and with them their children): start from their own fragments on Kconfig
# defaults, as tools/testing/selftests/bpf/vmtest.sh does.
upstream) BASE_CONFIGS=("$SELFTESTS"/config{,.vm,.x86_64}) ;;
*) die "VARIANT must be vm, debug, upstream or stock" ;;
esac

CC_KERNEL=gcc
command -v ccache >/dev/null && CC_KERNEL="ccache gcc"
# Paths relative to the work tree's parent in ccache's hash: a second checkout of the
# project (another developer's clone) reuses the objects of the first.
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
kmake() { make -C "$KTREE" O="$KOUT" CC="$CC_KERNEL" -j"$JOBS" "$@"; }

# tinyconfig (or the base configs), then every fragment line applied with scripts/config;
# regenerated only when they change, so an unchanged config never triggers a rebuild.
configure_kernel() {
	local want cfg=$KOUT/.config line opt
	want=$(cat "${BASE_CONFIGS[@]}" "${FRAGMENTS[@]}" | sha256sum | cut -d' ' -f1)
	[ -f "$cfg" ] && [ "$(cat "$KOUT/.fragments" 2>/dev/null)" = "$want" ] && return
	note "configuring the $VARIANT kernel (${KTREE#"$TOP"/})"
	mkdir -p "$KOUT"
	if [ ${#BASE_CONFIGS[@]} = 0 ]; then kmake -s tinyconfig >/dev/null
	else cat "${BASE_CONFIGS[@]}" >"$cfg"; fi
	grep -hE '^(CONFIG_|# CONFIG_)' "${FRAGMENTS[@]}" | while read -r line; do
		case $line in
		"# CONFIG_"*) opt=${line#"# CONFIG_"}; "$KTREE/scripts/config" --file "$cfg" --disable "${opt%% *}" ;;
		*) opt=${line#CONFIG_}; "$KTREE/scripts/config" --file "$cfg" --set-val "${opt%%=*}" "${opt#*=}" ;;
		esac
	done
	kmake -s olddefconfig >/dev/null
	# Kconfig silently drops options whose dependencies are missing: refuse that.
	grep -hE '^(CONFIG_|# CONFIG_)' "${FRAGMENTS[@]}" | while read -r line; do
		case $line in
		"# CONFIG_"*) opt=${line#"# "}; opt=${opt%% *}
			! grep -q "^$opt=" "$cfg" || die "kernel config: $line did not stick" ;;
		*) grep -qx "$line" "$cfg" || die "kernel config: $line did not stick (Kconfig dependency missing?)" ;;
		esac
	done
	echo "$want" >"$KOUT/.fragments"
}

build_kernel() {
	configure_kernel
	run_logged "kernel-$VARIANT" kmake all
}

build_bpftool() {
	mkdir -p "$TOOLS/bpftool"
	# The guest has no shared libraries: static, and without LLVM (JIT disassembly only).
	run_logged bpftool make -C "$TREE/tools/bpf/bpftool" -j"$JOBS" OUTPUT="$TOOLS/bpftool/" \
		EXTRA_LDFLAGS=-static VMLINUX_BTF="$KOUT/vmlinux" feature-llvm=0 feature-libbfd=0 \
		feature-libbfd-liberty=0 feature-libbfd-liberty-z=0
}

build_tests() {
	run_logged "tests-$VARIANT" make -C "$TOP/tests" -j"$JOBS" OUT="$TOUT" KOUT="$KOUT" \
		TREE="$TREE" BPFTOOL="$TOOLS/bpftool/bpftool" LIBBPF="$TOOLS/bpftool/libbpf"
}

# test_progs and what it needs at run time (BPF objects, bpf_testmod.ko built against
# $KOUT, helpers) in $STOUT; the selftests build their own libbpf and bpftool.
# The tests of tests/upstream-broken cannot build from this source: each is a stub that
# skips, kept by make as it is (-o); test_progs requires a test_NAME() for every file.
build_selftests() {
	local name reason keep=()
	mkdir -p "$STOUT"
	while read -r name reason; do
		[ -f "$SELFTESTS/prog_tests/$name.c" ] || continue
		note "test_progs: $name built as a stub that skips ($reason)"
		printf 'void test__skip(void);\nvoid test_%s(void) { test__skip(); }\n' "$name" |
			gcc -x c -c -o "$STOUT/$name.test.o" -
		keep+=(-o "$STOUT/$name.test.o")
	done < <(grep -Ev '^[[:space:]]*(#|$)' "$TOP/tests/upstream-broken")
	# The selftests compile each test in $STOUT with -I., so their dependency files name
	# skeletons relative to it, which make, run from the sources, cannot find on the next
	# run ("No rule to make target 'atomics.lskel.h'"). The skeletons are explicit
	# prerequisites of the test objects anyway.
	rm -f "$STOUT"/*.test.d
	run_logged "selftests-$VARIANT" make -C "$SELFTESTS" -j"$JOBS" O="$KOUT" OUTPUT="$STOUT" \
		CLANG=clang-19 LLC=llc-19 LLVM_STRIP=llvm-strip-19 "${keep[@]}" test_progs
}

build_kernel
if [ "$VARIANT" = upstream ]; then
	build_selftests
else
	build_bpftool
	build_tests
fi
