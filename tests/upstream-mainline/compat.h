/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included before mainline's prog_tests/tracing_multi.c (by the wrapper that
 * scripts/build.sh writes): the test_progs helpers it uses that 7.2's trace_helpers have
 * and 6.12's lack. Only its bench (serial_test_tracing_multi_bench_attach) needs them.
 * Implemented in compat.c.
 */
#ifndef UPSTREAM_MAINLINE_COMPAT_H
#define UPSTREAM_MAINLINE_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include "trace_helpers.h"	/* 6.12's: struct ksym, and struct ksyms left opaque */

/* 7.2 defines struct ksyms in trace_helpers.h; the bench reads these fields. */
struct ksyms {
	struct ksym *syms;	/* every /proc/kallsyms entry, sorted by name */
	size_t sym_cap;
	size_t sym_cnt;
	char **filtered_syms;	/* see bpf_get_ksyms() */
	size_t filtered_cnt;
};

/*
 * All of kallsyms in *ksymsp, and in its filtered_syms each function of
 * available_filter_functions once (of vmlinux if @kernel, else of modules) that
 * is_unsafe_function() lets through. 0 or a negative errno.
 */
int bpf_get_ksyms(struct ksyms **ksymsp, bool kernel);

/* Functions that tracing everything must leave alone (why: compat.c). */
bool is_unsafe_function(const char *name);

/*
 * 6.12's free_kallsyms_local() knows only its own struct ksyms (the first three fields):
 * the test's call goes to the one that also frees filtered_syms. trace_helpers.h is
 * included above, so its prototype keeps the real name.
 */
void mainline_free_ksyms(struct ksyms *ksyms);
#define free_kallsyms_local mainline_free_ksyms

#endif
