#!/bin/bash
# Host-side checks of libbpf code that needs no BPF syscall: tmulti_resolve.c (tracing
# multi-link name resolution) built with ASan and run, then built plain and run under
# valgrind; any memory error or leak fails. Needs the VM kernel and test module built
# (make check or scripts/build.sh) for their BTF.
. "$(dirname "$0")/../../scripts/common.sh"

OUT=$BUILD/host-tests
VMLINUX=$BUILD/kbuild-vm/vmlinux
TESTMOD=$BUILD/tests-vm/module/tmulti_testmod.ko
[ -f "$VMLINUX" ] && [ -f "$TESTMOD" ] || die "build the VM kernel and the tests first (make check)"

build() { # flavour, extra CFLAGS
	local dir=$OUT/$1
	mkdir -p "$dir/libbpf"
	run_logged "host-libbpf-$1" make -C "$TREE/tools/lib/bpf" -j"$JOBS" OUTPUT="$dir/libbpf/" \
		EXTRA_CFLAGS="-g -O1 $2" "$dir/libbpf/libbpf.a"
	gcc -g -O1 $2 -Wall -Werror -I"$TREE/tools/lib" -I"$TREE/tools/include" \
		-I"$TREE/tools/include/uapi" "$TOP/tests/host/tmulti_resolve.c" \
		"$dir/libbpf/libbpf.a" -lelf -lz -o "$dir/tmulti_resolve"
}

build asan "-fsanitize=address -fno-omit-frame-pointer"
note "tmulti_resolve under ASan"
ASAN_OPTIONS=detect_leaks=1 "$OUT/asan/tmulti_resolve" "$VMLINUX" "$TESTMOD"

build plain ""
note "tmulti_resolve under valgrind"
valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
	--error-exitcode=1 "$OUT/plain/tmulti_resolve" "$VMLINUX" "$TESTMOD" >/dev/null
note "host tests passed"
