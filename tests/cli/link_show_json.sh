#!/bin/sh
# bpftool link show -j for the stock link types, checked field by field against what
# the kernel and BTF say: fentry/fexit tracing links and a kprobe_multi link.
set -e
fail() { echo "FAIL: $*"; exit 1; }
P=/sys/fs/bpf/link_show_json
trap 'rm -rf $P' EXIT

insmod /tests/tmulti_testmod.ko 2>/dev/null || grep -q '^tmulti_testmod ' /proc/modules
mkdir -p $P
bpftool prog loadall /tests/fentry_vmlinux.bpf.o $P/fentry autoattach
bpftool prog loadall /tests/kprobe_multi_glob.bpf.o $P/kmulti autoattach

vmlinux_obj=$(bpftool -j btf show | jq '.[] | select(.name == "vmlinux") | .id')
test1_btf_id=$(bpftool btf dump file /sys/kernel/btf/vmlinux |
	sed -n "s/^\[\([0-9]*\)\] FUNC 'bpf_fentry_test1' .*/\1/p")
[ -n "$vmlinux_obj" ] && [ -n "$test1_btf_id" ] || fail "vmlinux BTF object or bpf_fentry_test1 not found"

# One listing for all checks; -f adds the pinned paths to find the links by.
all=$(bpftool -j -f link show)
echo "$all" | jq -e . >/dev/null || fail "link show -j is not JSON: $all"
by_pin() { echo "$all" | jq -c --arg pin "$1" '.[] | select(.pinned | index($pin))'; }

check_tracing() { # pin, attach_type
	link=$(by_pin "$1")
	prog=$(echo "$link" | jq .prog_id)
	echo "$link" | jq -e --arg at "$2" --argjson obj "$vmlinux_obj" --argjson btf "$test1_btf_id" \
		'.type == "tracing" and .prog_type == "tracing" and .attach_type == $at and
		 .target_obj_id == $obj and .target_btf_id == $btf' >/dev/null ||
		fail "$1: ${link:-no link with this pin}"
	bpftool -j prog show id "$prog" | jq -e '.type == "tracing"' >/dev/null ||
		fail "$1: prog $prog is not a tracing program"
}
check_tracing $P/fentry/test1_entry trace_fentry
check_tracing $P/fentry/test1_exit trace_fexit

nfuncs=$(grep -c '^tmulti_test_.*\[tmulti_testmod\]' /sys/kernel/tracing/available_filter_functions)
km=$(by_pin $P/kmulti/count_hits)
echo "$km" | jq -e --argjson n "$nfuncs" '.type == "kprobe_multi" and .retprobe == false and
	.func_cnt == $n and (.funcs | type) == "array"' >/dev/null ||
	fail "kprobe_multi link: ${km:-no link pinned} (expected func_cnt $nfuncs)"
[ "$(echo "$all" | jq length)" = 3 ] || fail "expected 3 links, link show -j listed: $all"
echo "3 links checked"
