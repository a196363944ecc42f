# Sourced by the other scripts: paths and small helpers shared by all of them.
# shellcheck shell=bash
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$TOP/base.conf"
BUILD=${BUILD:-$TOP/build}		# overridable: a second build (another tree) beside this one
TREE=${TREE:-$BUILD/linux}		# git work tree: pristine base + one commit per patch
BASE_TREE=$BUILD/base/linux		# second work tree at tag base: the pristine source
VARIANT=${VARIANT:-vm}			# kernel variant: vm, debug, upstream, stock or mainline
KTREE=$TREE				# the tree the kernel is built from
KOUT=$BUILD/kbuild-$VARIANT		# kbuild output (O=) for that variant
MAINLINE=$BUILD/mainline			# mainline's tracing_multi selftests (fetch-mainline.sh)
MAINLINE_SRC=$BUILD/mainline-src		# mainline's whole source (fetch-mainline.sh source)
# stock: the pristine source's kernel with the VM's config (make check-stock); bpftool,
# libbpf and the tests still come from the patched tree. The kbuild directory sits beside
# the tree as kbuild-vm does beside build/linux: the same relative paths, so that ccache
# (paths relative to $BUILD) can reuse VM kernel objects the series does not change.
if [ "$VARIANT" = stock ]; then
	KTREE=$BASE_TREE
	KOUT=$BUILD/base/kbuild-vm
fi
TOOLS=$BUILD/tools			# libbpf, bpftool (shared by the variants but mainline)
# mainline: Linux 7.2 (base.conf's MAINLINE_SOURCE_*, with its own tracing multi-link) with
# the VM's config (make check-mainline); bpftool, libbpf and the tests from the patched
# tree. bpftool in a directory of its own: its BPF skeletons are compiled against the
# kernel's vmlinux.h (build.sh), and 7.2's is another kernel's, not 6.12's.
if [ "$VARIANT" = mainline ]; then
	KTREE=$MAINLINE_SRC/linux
	TOOLS=$BUILD/tools-mainline
fi
TOUT=$BUILD/tests-$VARIANT		# test module, BPF objects, runners
SELFTESTS=$TREE/tools/testing/selftests/bpf	# the tree's own BPF selftests (upstream variant)
STOUT=$BUILD/selftests-$VARIANT		# their test_progs, BPF objects, bpf_testmod.ko
MAINLINE_SELFTESTS=${MAINLINE_SELFTESTS:-1}	# VARIANT=upstream: build and run them too
LOGS=$BUILD/logs
JOBS=${JOBS:-$(nproc)}

die() { echo "error: $*" >&2; exit 1; }
note() { echo "==> $*" >&2; }

# Run a noisy build step with its output in a log file; print a progress line every
# 250 lines of output and the log's tail if it fails.
run_logged() {
	local name=$1; shift
	local log=$LOGS/$name.log start=$SECONDS
	mkdir -p "$LOGS"
	note "$name (log: ${log#"$TOP"/})"
	if ! "$@" 2>&1 | tee "$log" | awk -v n="$name" \
		'NR % 250 == 0 { printf "    %s: %d lines of output...\n", n, NR > "/dev/stderr" }'; then
		tail -n 40 "$log" >&2
		die "$name failed, see ${log#"$TOP"/}"
	fi
	note "$name done in $((SECONDS - start)) s"
}
