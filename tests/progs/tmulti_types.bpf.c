// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the type identity tests (runners/tmulti_types.c): multi programs that
 * read typed arguments of their load-time target, and BPF program targets whose
 * context or tags differ from the anchor's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define __user __attribute__((btf_type_tag("user")))

/* The test module's struct tmulti_dup of tmulti_dup_a.c */
struct tmulti_dup {
	void *skb;
	long x;
};

long seen_x, seen_len, hits;
int fmod_trigger;

/* Walks the pointer it was verified for: p is a tmulti_dup_a.c struct tmulti_dup. */
SEC("fentry/tmulti_dup_a")
int BPF_PROG(dup_walk, struct tmulti_dup *p)
{
	seen_x = p->x;
	hits++;
	return 0;
}

/* Reads no argument. */
SEC("fentry/tmulti_test_int")
int BPF_PROG(no_args)
{
	hits++;
	return 0;
}

/* Loaded against tc_main: skb is a struct sk_buff for the verifier. */
SEC("fentry")
int BPF_PROG(ctx_walk, struct sk_buff *skb)
{
	seen_len = skb->len;
	hits++;
	return 0;
}

/* Loaded against the module's tmulti_skb_len(): skb is vmlinux's struct sk_buff. */
__u64 lens[4];

SEC("fentry/tmulti_skb_len")
int BPF_PROG(skb_walk, struct sk_buff *skb)
{
	__u64 slot = bpf_get_attach_cookie(ctx);

	if (slot < 4)
		lens[slot] = skb->len;
	return 0;
}

/* Writes -ENOMEM into its targets' return value, never reads it. */
SEC("fmod_ret/tmulti_test_int")
int BPF_PROG(fmod_enomem, int a)
{
	hits++;
	return a == fmod_trigger ? -12 : 0;
}

/* Targets: programs of two types with a struct __sk_buff * context */
__noinline int tc_tagged(struct __sk_buff __user *skb)
{
	return skb ? 1 : 0;
}

SEC("tc")
int tc_main(struct __sk_buff *skb)
{
	return tc_tagged(skb);
}

SEC("tc")
int tc_other(struct __sk_buff *skb)
{
	return 0;
}

SEC("flow_dissector")
int fd_main(struct __sk_buff *skb)
{
	return BPF_OK;
}
