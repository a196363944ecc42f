// SPDX-License-Identifier: GPL-2.0
/*
 * One program on many functions: counts calls per target (the attach cookie is the
 * target's index). Reads no argument, so every traceable function is a valid target.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_TARGETS 8192

__u64 hits[MAX_TARGETS];

static __always_inline void count(void *ctx)
{
	__u64 i = bpf_get_attach_cookie(ctx);

	if (i < MAX_TARGETS)
		__sync_fetch_and_add(&hits[i], 1);
}

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(count_entry)
{
	count(ctx);
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(count_exit)
{
	count(ctx);
	return 0;
}
