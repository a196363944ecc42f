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
int fexit_arg0, fexit_ret, fmod_arg0;

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

/*
 * Loaded untyped (no load-time prototype): arg0 and the return value through the
 * helpers, which find them in each target's own prototype.
 */
SEC("fexit.multi/bpf_fentry_test1")
int BPF_PROG(am_fexit)
{
	__u64 a = 0, ret = 0;

	count(ctx);
	bpf_get_func_arg(ctx, 0, &a);
	bpf_get_func_ret(ctx, &ret);
	fexit_arg0 = a;
	fexit_ret = ret;
	return 0;
}

/*
 * Typed: libbpf loads it against the first function of the section, and the kernel
 * refuses targets whose arg0 is not an int (or that are not error-injectable).
 */
SEC("fmod_ret.multi/bpf_modify_return_test")
int BPF_PROG(am_fmod_ret, int a)
{
	count(ctx);
	fmod_arg0 = a;
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
