// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's program: one fentry program for many kernel functions through one tracing
 * multi-link. bpftool gives each target its index in the demo's target list as the
 * cookie; the program counts calls per index.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_TARGETS 1024

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_TARGETS);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

/* Loaded against the first vfs_* function; it reads no argument, so any function fits. */
SEC("fentry.multi/vfs_*")
int count_calls(void *ctx)
{
	__u32 index = bpf_get_attach_cookie(ctx);
	__u64 *n = bpf_map_lookup_elem(&hits, &index);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}
