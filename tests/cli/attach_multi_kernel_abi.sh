#!/bin/sh
# What bpftool attach-multi offers comes from the running kernel, not from bpftool's
# headers: the attach types its BTF names (enum bpf_attach_type), and the program's own
# attach type from bpf_prog_info where the kernel reports it. $1: "series" (this
# series' kernel: fmod_ret multi-links, expected_attach_type in bpf_prog_info) or
# "mainline" (7.2: fentry and fexit multi-links only, no expected_attach_type). The
# program is named as the kernel keeps it (BPF_OBJ_NAME_LEN: autoattach_mult).
set -e
fail() { echo "FAIL: $*"; exit 1; }
P=/sys/fs/bpf/tmulti_kernel_abi
err=/tmp/tmulti_kernel_abi.err
trap 'rm -f $P $err' EXIT
kernel=$1
case $kernel in series | mainline) ;; *) fail "usage: $0 series|mainline" ;; esac

# The kernel's BTF, as bpftool reads it
types=$(bpftool btf dump file /sys/kernel/btf/vmlinux | grep -o "'BPF_[A-Z_]*_MULTI'" | tr -d "'" | sort | tr '\n' ' ')
echo "multi attach types in the kernel's BTF: $types"
case "$types" in *BPF_TRACE_FENTRY_MULTI*BPF_TRACE_FEXIT_MULTI*) ;; *) fail "no fentry/fexit multi: $types" ;; esac
if [ "$kernel" = mainline ]; then
	case "$types" in *BPF_MODIFY_RETURN_MULTI*) fail "7.2 names BPF_MODIFY_RETURN_MULTI?" ;; esac
else
	case "$types" in *BPF_MODIFY_RETURN_MULTI*) ;; *) fail "no BPF_MODIFY_RETURN_MULTI" ;; esac
fi

bpftool prog load /tests/tmulti_autoattach.bpf.o $P

# fmod_ret: on 7.2 refused for what the kernel lacks; here, for what the program is
if bpftool prog attach-multi pinned $P fmod_ret bpf_fentry_test1 hold >/dev/null 2>$err; then
	fail "fmod_ret attach-multi of a fentry.multi program succeeded"
fi
cat $err
if [ "$kernel" = mainline ]; then
	want="Error: this kernel has no fmod_ret multi-links (its BTF names no BPF_MODIFY_RETURN_MULTI): it attaches fentry and fexit multi programs only"
else
	want="Error: program 'autoattach_mult' was loaded as trace_fentry_multi, MULTI_TYPE fmod_ret needs modify_return_multi: use 'fentry'"
fi
[ "$(cat $err)" = "$want" ] || fail "expected: $want"

# fexit for a fentry program: the program's type, read from bpf_prog_info on this
# series' kernel and from BPF_LINK_CREATE's E2BIG on 7.2, gives the same answer
bpftool prog attach-multi pinned $P fexit bpf_fentry_test1 hold >/dev/null 2>$err && fail "fexit accepted"
cat $err
want="Error: program 'autoattach_mult' was loaded as trace_fentry_multi, MULTI_TYPE fexit needs trace_fexit_multi: use 'fentry'"
[ "$(cat $err)" = "$want" ] || fail "expected: $want"
[ -z "$(bpftool link list)" ] || fail "a link was left: $(bpftool link list)"
echo "attach types and the program's type read from the $kernel kernel"
