// SPDX-License-Identifier: GPL-2.0
/* fentry + fexit on a vmlinux function that BPF_PROG_TEST_RUN calls with known values. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 entry_hits, entry_arg, exit_hits, exit_arg, exit_ret;

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(test1_entry, int a)
{
	__sync_fetch_and_add(&entry_hits, 1);
	entry_arg = a;
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(test1_exit, int a, int ret)
{
	__sync_fetch_and_add(&exit_hits, 1);
	exit_arg = a;
	exit_ret = ret;
	return 0;
}
