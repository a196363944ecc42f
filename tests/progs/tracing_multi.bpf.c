// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the tracing multi-link tests. The runner loads them with a *_MULTI
 * expected attach type; the section names give the load-time target (libbpf resolves
 * it), and the attach cookie of each target is a slot index into the arrays below.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define SLOTS 64

__u64 hits[SLOTS], ips[SLOTS], arg0[SLOTS], rets[SLOTS], nargs[SLOTS];
__u64 bad_cookie, single_hits;
int fmod_trigger;	/* fmod_int returns 1000 + slot when called with this argument */

static __always_inline int slot_of(void *ctx)
{
	__u64 slot = bpf_get_attach_cookie(ctx);

	if (slot >= SLOTS) {
		__sync_fetch_and_add(&bad_cookie, 1);
		return -1;
	}
	__sync_fetch_and_add(&hits[slot], 1);
	ips[slot] = bpf_get_func_ip(ctx);
	return slot;
}

/* Reads arg0 (an int): compatible with every target whose first argument is an int. */
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(fentry_arg0, int a)
{
	int s = slot_of(ctx);

	if (s >= 0)
		arg0[s] = a;
	return 0;
}

/* Reads no argument: attaches to any traceable function. */
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(fentry_noargs)
{
	slot_of(ctx);
	return 0;
}

/* Reads arg0 and the return value of int f(int) functions. */
SEC("fexit/tmulti_test_int")
int BPF_PROG(fexit_int, int a, int ret)
{
	int s = slot_of(ctx);

	if (s >= 0) {
		arg0[s] = a;
		rets[s] = ret;
	}
	return 0;
}

SEC("fmod_ret/tmulti_test_int")
int BPF_PROG(fmod_int, int a, int ret)
{
	int s = slot_of(ctx);

	if (s < 0 || a != fmod_trigger)
		return 0;
	return 1000 + s;
}

/*
 * fexit multi on functions of any prototype: arg0 and the return value through the
 * helpers, which find them from the number of arguments the trampoline stores. Reads
 * nothing of its context directly, so it can also be loaded untyped (the runner loads
 * its instructions again with attach_btf_id 0).
 */
SEC("fexit/bpf_fentry_test1")
int BPF_PROG(fexit_helpers)
{
	__u64 a = 0, ret = 0;
	int s = slot_of(ctx);

	if (s < 0)
		return 0;
	bpf_get_func_arg(ctx, 0, &a);
	bpf_get_func_ret(ctx, &ret);
	arg0[s] = a;
	rets[s] = ret;
	nargs[s] = bpf_get_func_arg_cnt(ctx);
	return 0;
}

/* The same for fentry: arg0 and the number of arguments */
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(fentry_helpers)
{
	__u64 a = 0;
	int s = slot_of(ctx);

	if (s < 0)
		return 0;
	bpf_get_func_arg(ctx, 0, &a);
	arg0[s] = a;
	nargs[s] = bpf_get_func_arg_cnt(ctx);
	return 0;
}

/*
 * fmod_ret multi on bpf_modify_return_test*(int a, int *b, ...), run by BPF_PROG_TEST_RUN:
 * returns fmod_retvals[slot], and 0 lets the function run.
 */
int fmod_retvals[SLOTS];

SEC("fmod_ret/bpf_modify_return_test")
int BPF_PROG(fmod_test_run, int a)
{
	int s = slot_of(ctx);

	if (s < 0)
		return 0;
	arg0[s] = a;
	return fmod_retvals[s];
}

/* A plain fentry program on bpf_fentry_test1 to run beside a multi link. */
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(single_fentry, int a)
{
	__sync_fetch_and_add(&single_hits, 1);
	return 0;
}

/*
 * BPF program targets: the global subprogram of an XDP program (run through
 * BPF_PROG_TEST_RUN) as a fentry multi target, and as an freplace target.
 */
int subprog_arg;
long subprog_result;

__noinline int subprog_target(int x)
{
	return x + 1;
}

SEC("xdp")
int xdp_target(struct xdp_md *ctx)
{
	subprog_result = subprog_target(subprog_arg);
	return XDP_PASS;
}

SEC("freplace/subprog_target")
int new_subprog(int x)
{
	return x + 100;
}
