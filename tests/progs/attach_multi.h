/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the programs of bpftool's attach-multi tests (attach_multi*.bpf.c): a counter
 * per cookie. The cookie of a target is the index of its counter in hits[]; a run with
 * any other cookie counts in bad_cookie.
 */
#define SLOTS 16

__u64 hits[SLOTS];
__u64 bad_cookie;

static __always_inline void count(void *ctx)
{
	__u64 slot = bpf_get_attach_cookie(ctx);

	if (slot < SLOTS)
		__sync_fetch_and_add(&hits[slot], 1);
	else
		__sync_fetch_and_add(&bad_cookie, 1);
}
