// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's programs on the stock attach paths: one kprobe_multi program on every vfs_*
 * function (hits per function address) and one fentry program on one function.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} vfs_hits SEC(".maps");

__u64 read_calls, read_bytes;

SEC("kprobe.multi/vfs_*")
int count_vfs(struct pt_regs *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx), one = 1, *n;

	n = bpf_map_lookup_elem(&vfs_hits, &ip);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&vfs_hits, &ip, &one, BPF_NOEXIST);
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(vfs_read_entry, struct file *file, char *buf, size_t count)
{
	__sync_fetch_and_add(&read_calls, 1);
	__sync_fetch_and_add(&read_bytes, count);
	return 0;
}
