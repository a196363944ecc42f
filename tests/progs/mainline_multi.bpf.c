// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing multi programs as mainline 7.2 takes them, for make check-mainline
 * (tests/suite-mainline): untyped fentry and fexit multi only (no fmod_ret multi, no
 * load-time target), loaded for vmlinux or for the test module (the section's module:
 * its BTF is then the program's attach BTF, the one BTF object 7.2 links it to).
 * Loaded with "bpftool prog loadall OBJ DIR" (the test module first) or by
 * runners/tmulti_mainline_pin; nothing is attached at load. The cookie of a target is
 * the index of its counter in hits[].
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define SLOTS 16

__u64 hits[SLOTS];
__u64 bad_cookie;
__u64 fexit_arg0, fexit_ret, mod_arg0, mod_ret;

static __always_inline void count(void *ctx)
{
	__u64 slot = bpf_get_attach_cookie(ctx);

	if (slot < SLOTS)
		__sync_fetch_and_add(&hits[slot], 1);
	else
		__sync_fetch_and_add(&bad_cookie, 1);
}

SEC("fentry.multi/bpf_fentry_test1")
int BPF_PROG(ml_fentry)
{
	count(ctx);
	return 0;
}

/* arg0 and the return value through the helpers, from each target's own prototype */
SEC("fexit.multi/bpf_fentry_test1")
int BPF_PROG(ml_fexit)
{
	count(ctx);
	bpf_get_func_arg(ctx, 0, &fexit_arg0);
	bpf_get_func_ret(ctx, &fexit_ret);
	return 0;
}

SEC("fentry.multi/tmulti_testmod:tmulti_test_int")
int BPF_PROG(ml_mod_fentry)
{
	count(ctx);
	return 0;
}

SEC("fexit.multi/tmulti_testmod:tmulti_test_int")
int BPF_PROG(ml_mod_fexit)
{
	count(ctx);
	bpf_get_func_arg(ctx, 0, &mod_arg0);
	bpf_get_func_ret(ctx, &mod_ret);
	return 0;
}
