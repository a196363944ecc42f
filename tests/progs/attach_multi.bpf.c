// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for bpftool's attach-multi tests (cli/attach_multi*.sh), loaded with
 * "bpftool prog loadall OBJ DIR": nothing is attached at load, the tests attach them
 * with "bpftool prog attach-multi" / "bpftool link create". The cookie of a target is
 * the index of its counter in hits[].
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define SLOTS 16

__u64 hits[SLOTS];
__u64 bad_cookie;
int fexit_arg0, fexit_ret;

static __always_inline void count(void *ctx)
{
	__u64 slot = bpf_get_attach_cookie(ctx);

	if (slot < SLOTS)
		__sync_fetch_and_add(&hits[slot], 1);
	else
		__sync_fetch_and_add(&bad_cookie, 1);
}

/* Reads no argument: takes any traceable function. */
SEC("fentry.multi/bpf_fentry_test1")
int BPF_PROG(am_fentry)
{
	count(ctx);
	return 0;
}

/* Reads arg0 and the return value as in int bpf_fentry_test1(int): a target that
 * stores its return value elsewhere (more arguments) is refused by the kernel.
 */
SEC("fexit.multi/bpf_fentry_test1")
int BPF_PROG(am_fexit, int a, int ret)
{
	count(ctx);
	/* the kernel checks the arguments a program reads */
	fexit_arg0 = a;
	fexit_ret = ret;
	return 0;
}

SEC("fmod_ret.multi/bpf_modify_return_test")
int BPF_PROG(am_fmod_ret, int a)
{
	count(ctx);
	return 0;
}

/* Not multi: a plain fentry program, and a kprobe one, for the error messages. */
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(am_single)
{
	return 0;
}

SEC("kprobe/bpf_fentry_test1")
int am_kprobe(struct pt_regs *ctx)
{
	return 0;
}
