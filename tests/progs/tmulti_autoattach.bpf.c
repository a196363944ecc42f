// SPDX-License-Identifier: GPL-2.0
/* One tracing multi program, for `bpftool prog load ... autoattach` (cli/tmulti_autoattach.sh) */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 runs;

SEC("fentry.multi/bpf_fentry_test1,bpf_fentry_test2")
int BPF_PROG(autoattach_multi)
{
	__sync_fetch_and_add(&runs, 1);
	return 0;
}
