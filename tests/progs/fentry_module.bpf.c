// SPDX-License-Identifier: GPL-2.0
/* fentry + fexit on a function of the project's test module (module BTF target). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 entry_hits, entry_arg, exit_hits, exit_ret;

SEC("fentry/tmulti_test_long")
int BPF_PROG(long_entry, int a, long b)
{
	__sync_fetch_and_add(&entry_hits, 1);
	entry_arg = a;
	return 0;
}

SEC("fexit/tmulti_test_long")
int BPF_PROG(long_exit, int a, long b, long ret)
{
	__sync_fetch_and_add(&exit_hits, 1);
	exit_ret = ret;
	return 0;
}
