#!/bin/bash
# Build everything the VM needs from build/linux, incrementally:
#   kernel (tinyconfig + kernel/config-$VARIANT fragments), static bpftool (no LLVM, it
#   runs in the guest and generates skeletons on the host), the test module, BPF objects
#   and test runners (tests/Makefile).
. "$(dirname "$0")/common.sh"

[ -d "$TREE/.git" ] || die "no work tree; run scripts/tree.sh sync first"

FRAGMENTS=("$TOP/kernel/config-vm")
[ "$VARIANT" = debug ] && FRAGMENTS+=("$TOP/kernel/config-debug")
[ "$VARIANT" = vm ] || [ "$VARIANT" = debug ] || die "VARIANT must be vm or debug"

CC_KERNEL=gcc
command -v ccache >/dev/null && CC_KERNEL="ccache gcc"
# Paths relative to the work tree's parent in ccache's hash: a second checkout of the
# project (another developer's clone) reuses the objects of the first.
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
kmake() { make -C "$TREE" O="$KOUT" CC="$CC_KERNEL" -j"$JOBS" "$@"; }

# tinyconfig, then every fragment line applied with scripts/config; regenerated only when
# the fragments change, so an unchanged config never triggers a rebuild.
configure_kernel() {
	local want cfg=$KOUT/.config line opt
	want=$(cat "${FRAGMENTS[@]}" | sha256sum | cut -d' ' -f1)
	[ -f "$cfg" ] && [ "$(cat "$KOUT/.fragments" 2>/dev/null)" = "$want" ] && return
	note "configuring the $VARIANT kernel"
	mkdir -p "$KOUT"
	kmake -s tinyconfig >/dev/null
	grep -hE '^(CONFIG_|# CONFIG_)' "${FRAGMENTS[@]}" | while read -r line; do
		case $line in
		"# CONFIG_"*) opt=${line#"# CONFIG_"}; "$TREE/scripts/config" --file "$cfg" --disable "${opt%% *}" ;;
		*) opt=${line#CONFIG_}; "$TREE/scripts/config" --file "$cfg" --set-val "${opt%%=*}" "${opt#*=}" ;;
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

build_kernel
build_bpftool
build_tests
