/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included before each of mainline's progs/tracing_multi_*.c (mainline.mk). They expect
 * vmlinux.h to declare kfuncs, which bpftool does only when pahole (1.26+) tagged them in
 * vmlinux's BTF; Debian 12's pahole 1.24 does not. These are 6.12's prototypes, which
 * vmlinux.h would repeat (net/bpf/test_run.c, kernel/trace/bpf_trace.c).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* tracing_multi_check.c compares bpf_get_func_ip() with its address. */
extern int bpf_fentry_test1(int a) __ksym;

/*
 * tracing_multi_session_attach.c calls the session kfuncs as fsession (7.0) made them,
 * with a ctx argument; 6.12 has them for kprobe sessions only, without one. This only
 * lets it compile, for the skeleton mainline's prog_tests/tracing_multi.c includes: 6.12
 * has no fsession, so its programs do not load, and the subtests that need fsession are
 * skipped (tests/upstream-mainline/skip).
 */
extern bool bpf_session_is_return(void) __ksym __weak;
extern __u64 *bpf_session_cookie(void) __ksym __weak;
#define bpf_session_is_return(ctx)	bpf_session_is_return()
#define bpf_session_cookie(ctx)		bpf_session_cookie()
