// SPDX-License-Identifier: GPL-2.0
/*
 * One tracing multi-link on many vmlinux functions: every function gets its trampoline
 * (enabled_functions grows by exactly N), calls are counted on the right target, and
 * after the link is closed nothing is left. Prints how long attach and detach took
 * (for information: the benchmark is make bench).
 *
 *   tracing_multi_scale fentry|fexit [N|all] [memcg]    (N defaults to 1000)
 *
 * "all" takes every candidate function (safe_to_trace() and traceable_functions() in
 * many_funcs.h), as the kernel's kprobe_multi_bench_attach test does with kprobes.
 *
 * "memcg" runs in a memory cgroup of its own and checks that the link charges it for
 * what each target costs the kernel: the target's trampoline, its ftrace_ops and its
 * image, at least (their sizes from the kernel's BTF).
 */
#include <ctype.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "testlib.h"
#include "many_funcs.h"
#include "tracing_multi_scale.skel.h"

#define MAX_TARGETS (1 << 20)	/* the kernel's limit */

/* Target 0 is bpf_fentry_test1 (triggered through test_run), then @n - 1 functions
 * spread evenly over the candidates, or all of them if @n is 0. Returns the number of
 * ids written.
 */
static int pick_targets(const struct btf *btf, __u32 *ids, int n)
{
	int i, nr = btf__type_cnt(btf), cands;
	__u32 *cand;

	cand = calloc(nr, sizeof(*cand));
	CHECK(cand, "out of memory");
	cands = traceable_functions(btf, cand, nr, safe_to_trace);
	ids[0] = btf__find_by_name_kind(btf, "bpf_fentry_test1", BTF_KIND_FUNC);
	if (!n)
		n = cands + 1;
	for (i = 1; i < n && i < cands; i++)
		ids[i] = cand[(long)(i - 1) * cands / (n - 1)];
	free(cand);
	return i;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The name of the function of the first "target N (btf_id M)" line of @log */
static const char *func_name(const struct btf *btf, const char *log)
{
	unsigned int idx, id;
	const struct btf_type *t;

	if (sscanf(log, "target %u (btf_id %u)", &idx, &id) != 2)
		return "?";
	t = btf__type_by_id(btf, id);
	return t ? btf__name_by_offset(btf, t->name_off) : "?";
}

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CGROUP		CGROUP_ROOT "/tracing_multi_scale"

/* Move into cgroup CGROUP, with the memory controller on */
static int memcg_enter(void)
{
	char pid[16];

	CHECK(!mount("none", CGROUP_ROOT, "cgroup2", 0, NULL) || errno == EBUSY,
	      "mount cgroup2: %s", strerror(errno));
	CHECK_EQ(write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory"), 0);
	CHECK(!mkdir(CGROUP, 0755) || errno == EEXIST, "mkdir %s: %s", CGROUP, strerror(errno));
	snprintf(pid, sizeof(pid), "%d", getpid());
	CHECK_EQ(write_file(CGROUP "/cgroup.procs", pid), 0);
	return 0;
}

static int memcg_leave(void)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	CHECK_EQ(write_file(CGROUP_ROOT "/cgroup.procs", pid), 0);
	CHECK(!rmdir(CGROUP), "rmdir %s: %s", CGROUP, strerror(errno));
	return 0;
}

/* Bytes charged to CGROUP, or -1 */
static long long memcg_current(void)
{
	FILE *f = fopen(CGROUP "/memory.current", "r");
	long long n = -1;

	if (f) {
		if (fscanf(f, "%lld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* What the kernel allocates for each new target at least, from its BTF; -1 if unknown */
static long long target_size(const struct btf *btf)
{
	static const char *const structs[] = { "bpf_trampoline", "ftrace_ops",
					       "bpf_tramp_image" };
	long long sum = 0;
	unsigned int i;
	int id;

	for (i = 0; i < sizeof(structs) / sizeof(structs[0]); i++) {
		id = btf__find_by_name_kind(btf, structs[i], BTF_KIND_STRUCT);
		if (id <= 0 || btf__resolve_size(btf, id) <= 0)
			return -1;
		sum += btf__resolve_size(btf, id);
	}
	return sum;
}

static int run(bool fexit, int n, bool memcg)
{
	static __u32 ids[MAX_TARGETS];
	static __u64 cookies[MAX_TARGETS];	/* the index (the program counts 8192) */
	static char log[256 * 1024];
	int type = fexit ? BPF_TRACE_FEXIT_MULTI : BPF_TRACE_FENTRY_MULTI;
	struct tracing_multi_scale *skel;
	struct bpf_program *prog;
	struct btf *btf;
	int i, fd, base, now, cnt, dropped, retries = 0;
	struct timespec t0;
	long attach_ms, detach_ms;
	long long charged0 = 0, charged, per_target = 0;

	CHECK(!n || (n >= 2 && n <= MAX_TARGETS), "N must be 2..%d", MAX_TARGETS);
	btf = btf__load_vmlinux_btf();
	CHECK(btf, "vmlinux BTF: %d", -errno);
	cnt = pick_targets(btf, ids, n);
	CHECK(!n || cnt == n, "only %d candidate functions for N=%d", cnt, n);
	n = cnt;

	skel = tracing_multi_scale__open();
	CHECK(skel, "open: %d", -errno);
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == (fexit ? skel->progs.count_exit :
							     skel->progs.count_entry));
	prog = fexit ? skel->progs.count_exit : skel->progs.count_entry;
	bpf_program__set_expected_attach_type(prog, type);
	if (memcg) {
		per_target = target_size(btf);
		CHECK(per_target > 0, "struct sizes not in vmlinux BTF");
		CHECK_EQ(memcg_enter(), 0);
	}
	CHECK_EQ(tracing_multi_scale__load(skel), 0);

	base = enabled_functions();
	for (i = 0; i < cnt; i++)
		cookies[i] = i;
	/* Candidates the kernel refuses (deny lists, __noreturn for fexit, two BTF
	 * ids of one function, ...) are all named in the log, one line each: drop
	 * them, as a tool would, and try again. The kernel checks every target
	 * before it fails, so one retry is enough unless the log overflows.
	 */
	for (;;) {
		if (memcg)
			charged0 = memcg_current();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		fd = link_multi_fd(bpf_program__fd(prog), type, cnt, ids, NULL, cookies, log,
				   sizeof(log));
		attach_ms = ms_since(&t0);
		if (fd >= 0)
			break;
		CHECK(++retries <= 3, "link: %d, still failing after %d retries (%.200s)", fd,
		      retries - 1, log);
		dropped = drop_logged_targets(log, ids, &cnt);
		CHECK(dropped > 0, "link: %d, no target named in the log (%.200s)", fd, log);
		printf("retry %d: dropped %d targets named in the log, the first (%s): %.*s\n",
		       retries, dropped, func_name(btf, log), (int)strcspn(log, "\n"), log);
		CHECK_EQ(enabled_functions(), base);
	}
	if (memcg) {
		charged = memcg_current() - charged0;
		printf("the link charged %lld bytes to its memory cgroup: %lld per target "
		       "(trampoline, ftrace_ops and image: %lld bytes)\n", charged,
		       charged / cnt, per_target);
		CHECK(charged0 >= 0 && charged >= cnt * per_target,
		      "the link charged %lld bytes for %d targets", charged, cnt);
	}
	now = enabled_functions();
	CHECK(now == base + cnt, "enabled_functions: %d lines, expected %d + %d", now, base,
	      cnt);

	CHECK_EQ(trigger_fentry_test_funcs(prog), 0);
	CHECK(skel->bss->hits[0] == 1, "bpf_fentry_test1: %llu hits", skel->bss->hits[0]);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	close(fd);
	while (enabled_functions() != base)
		CHECK(ms_since(&t0) < 600000, "trampolines still attached after 10 min");
	detach_ms = ms_since(&t0);
	printf("%s multi-link on %d functions (%d dropped): attach %ld ms, detach %ld ms\n",
	       fexit ? "fexit" : "fentry", cnt, n - cnt, attach_ms, detach_ms);

	CHECK_EQ(trigger_fentry_test_funcs(prog), 0);
	CHECK(skel->bss->hits[0] == 1, "after close: %llu hits", skel->bss->hits[0]);
	tracing_multi_scale__destroy(skel);
	if (memcg)
		CHECK_EQ(memcg_leave(), 0);
	btf__free(btf);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? (strcmp(argv[2], "all") ? atoi(argv[2]) : 0) : 1000;
	bool memcg = argc > 3 && !strcmp(argv[3], "memcg");

	libbpf_set_print(print_libbpf_msg);
	if (argc < 2 || (strcmp(argv[1], "fentry") && strcmp(argv[1], "fexit")) ||
	    (argc > 3 && !memcg)) {
		fprintf(stderr, "usage: %s fentry|fexit [N|all] [memcg]\n", argv[0]);
		return 2;
	}
	return run(!strcmp(argv[1], "fexit"), n, memcg) ? 1 : 0;
}
