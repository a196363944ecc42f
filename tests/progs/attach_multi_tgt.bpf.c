// SPDX-License-Identifier: GPL-2.0
/*
 * BPF program targets for bpftool's attach-multi tests: a tc program whose global
 * subprogram am_subprog() is a fentry multi target and an freplace target, and the
 * freplace program. "bpftool prog run" of am_tc returns am_subprog(skb->len): len + 1,
 * or len + 100 while am_ext replaces it. Loaded and pinned by runners/attach_multi_tgt.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

__noinline int am_subprog(int x)
{
	return x + 1;
}

SEC("tc")
int am_tc(struct __sk_buff *skb)
{
	return am_subprog(skb->len);
}

SEC("freplace/am_subprog")
int am_ext(int x)
{
	return x + 100;
}
