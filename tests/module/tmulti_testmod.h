/* SPDX-License-Identifier: GPL-2.0 */
/* The test module's traceable functions (global, so they have BTF and stable names). */
#ifndef TMULTI_TESTMOD_H
#define TMULTI_TESTMOD_H

struct tmulti_test_obj {
	int id;
	long val;
};

int tmulti_test_int(int a);
long tmulti_test_long(int a, long b);
int tmulti_test_obj(struct tmulti_test_obj *obj, int a);
int tmulti_test_sleepable(int a);

/* Never called: functions in BTF that a trampoline can't be attached to */
struct tmulti_bad_big {
	long a, b, c;
};

int tmulti_bad_notrace(int a);
int tmulti_bad_13_args(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
			int a8, int a9, int a10, int a11, int a12, int a13);
int tmulti_bad_big_arg(struct tmulti_bad_big big);

/*
 * Targets a multi program must not reach through another type than its anchor's
 * (tests/runners/tmulti_types.c); called when a number is written to
 * /sys/kernel/debug/tmulti_testmod/types.
 */
#define TMULTI_DUP_MAGIC 0x4141414141414141L
struct tmulti_dup;	/* one in tmulti_dup_a.c, another in tmulti_dup_b.c */
long tmulti_dup_a(struct tmulti_dup *p);
long tmulti_dup_b(struct tmulti_dup *p);
long tmulti_dup_a_run(int a);
long tmulti_dup_b_run(int a);
/* a namesake of vmlinux's int bpf_fentry_shadow_test(int) (net/bpf/test_run.c) */
long bpf_fentry_shadow_test(long a, long b);
struct sk_buff;
int tmulti_skb_len(struct sk_buff *skb);	/* skb->len, of an skb of (number & 63) bytes */
/* fmod_ret targets of other return types and error injection classes than int ERRNO */
bool tmulti_ret_bool(int a);
void *tmulti_ret_ptr(int a);
int tmulti_ret_true(int a);
void security_tmulti_void(int a);
/* int ERRNO like tmulti_test_int, its argument a pointer */
int tmulti_errno_obj(struct tmulti_test_obj *obj);

/*
 * Return values of 16 bytes (in rax:rdx), more than the 8 an fexit trampoline keeps
 * (tests/runners/tracing_multi.c errno_table); called by the trigger, results unused.
 */
struct tmulti_big {
	long lo, hi;
};

struct tmulti_big tmulti_ret_big(int a);
unsigned __int128 tmulti_ret_u128(int a);

#endif
