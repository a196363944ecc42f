#!/bin/sh
# bpftool mounts tracefs when it needs available_filter_functions (patterns leave out
# what ftrace can't patch) and it is not mounted, as "prog tracelog" does; not with
# --nomount. Neither tracefs nor debugfs (whose tracing directory mounts tracefs on
# access) is mounted while the test runs; both are mounted again at the end.
. "$(dirname "$0")/attach_multi_lib.sh"
P=/sys/fs/bpf/attach_multi_tracefs
L=/sys/fs/bpf/attach_multi_tracefs_link
TRACING=/sys/kernel/tracing
DEBUG=/sys/kernel/debug
MOD=tmulti_testmod
F=$P/count_calls
insmod /tests/$MOD.ko 2>/dev/null
grep -q "^$MOD " /proc/modules || { echo "FAIL: no $MOD"; exit 1; }
# the demo's program: untyped fentry.multi, as 7.2 loads them
mkdir -p $P && bpftool prog load /tests/demo_vfs.bpf.o $F || { echo "FAIL: prog load"; exit 1; }

mounted() { grep -q " $1 $2 " /proc/mounts; }
# Every mount on $1 (bpftool makes the mount point private with a bind mount under tracefs)
unmount_all() {
	while grep -q " $1 " /proc/mounts; do umount "$1" || return 1; done
}
unmount_tracing() {
	unmount_all $DEBUG/tracing && unmount_all $DEBUG && unmount_all $TRACING &&
		[ ! -e $TRACING/available_filter_functions ] ||
		{ echo "FAIL: can't unmount tracefs and debugfs: $(grep -E 'tracefs|debugfs' /proc/mounts)"; exit 1; }
}
restore() {
	mounted $TRACING tracefs || mount -t tracefs tracefs $TRACING
	mounted $DEBUG debugfs || mount -t debugfs debugfs $DEBUG
	rm -rf $P $L
}
trap restore EXIT

# With --nomount nothing is mounted, and the notrace function is not left out by libbpf
unmount_tracing
out=$(bpftool -j -n prog attach-multi pinned $F fentry "$MOD:tmulti_*" dry-run)
echo "--nomount: $(echo "$out" | jq -c .skipped)"
! mounted $TRACING tracefs || fail "--nomount: tracefs mounted"
echo "$out" | jq -e '.funcs | any(.func == "tmulti_bad_notrace")' >/dev/null ||
	fail "--nomount: tmulti_bad_notrace left out without available_filter_functions"

# dry-run: tracefs mounted, and the notrace function left out for not being listed there
out=$(bpftool -j prog attach-multi pinned $F fentry "$MOD:tmulti_*" dry-run) ||
	fail "dry-run: $out"
mounted $TRACING tracefs || fail "dry-run: tracefs not mounted at $TRACING"
echo "$out" | jq -e '.skipped[] | select(.func == "tmulti_bad_notrace") |
	.reason | test("available_filter_functions")' >/dev/null ||
	fail "dry-run: tmulti_bad_notrace: $(echo "$out" | jq -c .skipped)"

# A glob attached: tracefs mounted, the link made
unmount_tracing
out=$(bpftool -j prog attach-multi pinned $F fentry 'bpf_fentry_test?' pinned $L) ||
	fail "attach-multi: $out"
mounted $TRACING tracefs || fail "attach-multi: tracefs not mounted at $TRACING"
[ "$(bpftool -j link show pinned $L | jq .func_cnt)" = 9 ] ||
	fail "attach-multi: $(bpftool -j link show pinned $L)"
grep -q "^bpf_fentry_test9 " $TRACE || fail "bpf_fentry_test9 not in enabled_functions"
rm $L
i=0
while [ -n "$(cat $TRACE)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_nothing_left $F "after release"
exit $failed
