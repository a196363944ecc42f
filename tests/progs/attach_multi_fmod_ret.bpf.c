// SPDX-License-Identifier: GPL-2.0
/*
 * The fmod_ret multi program of bpftool's attach-multi tests, in an object of its own:
 * only a kernel with fmod_ret multi (the series, not mainline 7.2) loads it, and "bpftool
 * prog loadall" loads an object whole. Typed: libbpf loads it against the first function
 * of the section, and the kernel refuses targets whose arg0 is not an int (or that are
 * not error-injectable). Returns 0: the traced function runs and returns its own value.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#include "attach_multi.h"

int fmod_arg0;

SEC("fmod_ret.multi/bpf_modify_return_test")
int BPF_PROG(am_fmod_ret, int a)
{
	count(ctx);
	fmod_arg0 = a;
	return 0;
}
