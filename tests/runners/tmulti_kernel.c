// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: tells the CLI tests what the running kernel's tracing multi-link has, so
 * that one test checks what each kernel must do (testlib.h says how each is found):
 *
 *   tmulti_kernel ext		exit 0 if the kernel has the series' extensions (typed
 *				programs, fmod_ret multi, targets of several BTF objects
 *				or BPF programs in one link, detach), 1 if it has
 *				mainline's link alone (7.2)
 *   tmulti_kernel link_info	exit 0 if bpf_link_info describes tracing multi-links,
 *				1 if only their fdinfo does (7.2)
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "ext"))
		return !kernel_has_tracing_multi_ext();
	if (argc == 2 && !strcmp(argv[1], "link_info"))
		return !kernel_has_tracing_multi_link_info();
	fprintf(stderr, "usage: %s ext|link_info\n", argv[0]);
	return 2;
}
