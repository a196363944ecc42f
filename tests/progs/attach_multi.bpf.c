// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for bpftool's attach-multi tests (cli/attach_multi*.sh) and tmulti_pin, loaded
 * with "bpftool prog loadall OBJ DIR" (the test module first): nothing is attached at
 * load, the tests attach them with "bpftool prog attach-multi" / "bpftool link create".
 * All untyped, as any kernel with tracing multi-links takes them (mainline 7.2 too); the
 * fmod_ret multi program is in attach_multi_fmod_ret.bpf.c, as 7.2 refuses to load it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#include "attach_multi.h"

int fexit_arg0, fexit_ret, mod_arg0, mod_ret;

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
 * Loaded for the test module (the section's module is then the program's attach BTF,
 * the one BTF object mainline 7.2 links it to); arg0 and the return value through the
 * helpers.
 */
SEC("fexit.multi/tmulti_testmod:tmulti_test_int")
int BPF_PROG(am_mod_fexit)
{
	__u64 a = 0, ret = 0;

	count(ctx);
	bpf_get_func_arg(ctx, 0, &a);
	bpf_get_func_ret(ctx, &ret);
	mod_arg0 = a;
	mod_ret = ret;
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
