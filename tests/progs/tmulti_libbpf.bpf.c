// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the libbpf tracing multi-link tests (runners/tmulti_libbpf.c). Each test
 * loads the ones it needs; every program records, per run, the function address and
 * cookie it ran for, in the order it ran, so that a test can compare them with the
 * functions it asked for.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define RUNS 64

__u64 ips[RUNS], cookies[RUNS], args[RUNS], rets[RUNS];
__u32 runs;

static __always_inline int record(void *ctx)
{
	__u32 i = __sync_fetch_and_add(&runs, 1);

	if (i >= RUNS)
		return -1;
	ips[i] = bpf_get_func_ip(ctx);
	cookies[i] = bpf_get_attach_cookie(ctx);
	return i;
}

/* bpf_fentry_test1 .. bpf_fentry_test9, auto-attached by the skeleton */
SEC("fentry.multi/bpf_fentry_test?")
int BPF_PROG(pattern_noargs)
{
	record(ctx);
	return 0;
}

/*
 * Module targets, named and by pattern. Untyped (the section has no load-time target
 * for it): arg0 and the return value through the helpers, on every match.
 */
SEC("fexit.multi/tmulti_testmod:tmulti_test_int,tmulti_testmod:tmulti_test_*")
int BPF_PROG(module_fexit)
{
	__u64 a = 0, ret = 0;
	int i = record(ctx);

	if (i >= 0) {
		bpf_get_func_arg(ctx, 0, &a);
		bpf_get_func_ret(ctx, &ret);
		args[i] = a;
		rets[i] = ret;
	}
	return 0;
}

/*
 * The same, typed by the runner (bpf_program__set_attach_target() to tmulti_test_int):
 * reads arg0 and the return value as an int, so the kernel refuses the pattern's
 * tmulti_test_obj(struct tmulti_test_obj *, int) and tmulti_test_long(int, long), whose
 * return value is after two arguments, and libbpf skips them.
 */
SEC("fexit.multi/tmulti_testmod:tmulti_test_int,tmulti_testmod:tmulti_test_*")
int BPF_PROG(module_fexit_typed, int a, int ret)
{
	int i = record(ctx);

	if (i >= 0) {
		args[i] = a;
		rets[i] = ret;
	}
	return 0;
}

/* No auto-attach: the load-time target comes from bpf_program__set_attach_target() */
SEC("fentry.multi")
int BPF_PROG(manual_noargs)
{
	record(ctx);
	return 0;
}

/* Reads arg0 as an int; load-time target bpf_fentry_test1(int) */
SEC("fentry.multi")
int BPF_PROG(manual_arg0, int a)
{
	int i = record(ctx);

	if (i >= 0)
		args[i] = a;
	return 0;
}

/* Sleepable: on functions that may sleep only. Untyped: arg0 through the helper */
SEC("fentry.multi.s/tmulti_testmod:tmulti_test_sleepable")
int BPF_PROG(sleepable_module)
{
	__u64 a = 0;
	int i = record(ctx);

	if (i >= 0) {
		bpf_get_func_arg(ctx, 0, &a);
		args[i] = a;
	}
	return 0;
}

/*
 * Replaces the return value of error-injectable functions by 1000 + cookie. Typed:
 * libbpf loads fmod_ret.multi against the section's first match.
 */
SEC("fmod_ret.multi/tmulti_testmod:tmulti_test_int")
int BPF_PROG(fmod_ret_module, int a, int ret)
{
	int i = record(ctx);

	return i >= 0 && a == 42 ? 1000 + cookies[i] : 0;
}

/* Matches nothing: loads (untyped), the attach fails */
SEC("fentry.multi/no_such_function_*")
int BPF_PROG(nothing_matches)
{
	return 0;
}

/* A plain fentry program: not a multi one */
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(single_fentry)
{
	return 0;
}
