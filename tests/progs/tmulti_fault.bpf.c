// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the fault-injection tests (tmulti_fault.c): they read no argument, so
 * any traceable function is a target; hits[cookie] counts the calls of each target
 * the runner watches (cookie 1, 2, ...), the rest use cookie 0.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define SLOTS 4

__u64 hits[SLOTS];

static __always_inline void count(void *ctx)
{
	__u64 slot = bpf_get_attach_cookie(ctx);

	if (slot < SLOTS)
		__sync_fetch_and_add(&hits[slot], 1);
}

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(fentry_any)
{
	count(ctx);
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(fexit_any)
{
	count(ctx);
	return 0;
}

/* The other link on the shared functions: its own program, so that they stay traced */
SEC("fexit/bpf_fentry_test1")
int BPF_PROG(fexit_keep)
{
	return 0;
}

/* kprobe_multi on the same functions: ftrace then calls them through its list function */
__u64 kprobe_hits;

SEC("kprobe.multi")
int kprobe_any(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}

/* A single fentry link on the function the sample live patch replaces */
__u64 single_hits;

SEC("fentry/cmdline_proc_show")
int BPF_PROG(fentry_single)
{
	__sync_fetch_and_add(&single_hits, 1);
	return 0;
}

/* The latency test's probes: a single fentry link and an LSM-cgroup attach, each on a
 * function the multi-link beside them leaves out (safe_to_trace() skips bpf_*)
 */
SEC("fentry/bpf_fentry_test2")
int BPF_PROG(fentry_probe)
{
	return 0;
}

SEC("lsm_cgroup/file_open")
int BPF_PROG(lsm_probe, struct file *file)
{
	return 1;
}
