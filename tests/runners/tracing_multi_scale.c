// SPDX-License-Identifier: GPL-2.0
/*
 * One tracing multi-link on many vmlinux functions: every function gets its trampoline
 * (enabled_functions grows by exactly N), calls are counted on the right target, and
 * after the link is closed nothing is left. Prints how long attach and detach took
 * (for information: the benchmark is make bench).
 *
 *   tracing_multi_scale fentry|fexit [N|all]    (N defaults to 1000)
 *
 * "all" takes every candidate function (unique name in available_filter_functions, a
 * BTF prototype with arguments and return value in registers), as the kernel's
 * kprobe_multi_bench_attach test does with kprobes.
 */
#include <ctype.h>
#include <time.h>
#include "testlib.h"
#include "tracing_multi_scale.skel.h"

#define MAX_TARGETS (1 << 20)	/* the kernel's limit */

static char **names;		/* available_filter_functions of vmlinux, sorted */
static int nr_names;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char **)a, *(char **)b);
}

static int read_filter_functions(void)
{
	FILE *f = fopen("/sys/kernel/tracing/available_filter_functions", "r");
	char line[256];
	int cap = 0;

	CHECK(f, "available_filter_functions: %d", -errno);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '['))	/* module function */
			continue;
		line[strcspn(line, " \n")] = 0;
		if (nr_names == cap) {
			cap = cap ? cap * 2 : 4096;
			names = realloc(names, cap * sizeof(*names));
			CHECK(names, "out of memory");
		}
		names[nr_names++] = strdup(line);
	}
	fclose(f);
	qsort(names, nr_names, sizeof(*names), cmp_str);
	return 0;
}

/* Listed exactly once: a duplicate name is ambiguous for BTF and kallsyms. */
static bool traceable_once(const char *name)
{
	char **p = bsearch(&name, names, nr_names, sizeof(*names), cmp_str);

	if (!p)
		return false;
	return (p == names || strcmp(p[-1], name)) &&
	       (p == names + nr_names - 1 || strcmp(p[1], name));
}

/* Functions the trampoline machinery itself calls, that BPF cannot trace usefully, or
 * that run where RCU is not watching (the idle loop: the kernel's kprobe_multi test
 * leaves them out too).
 */
static bool skipped(const char *name)
{
	static const char * const prefixes[] = {
		"bpf_", "__bpf", "rcu_", "__rcu", "preempt_", "migrate_", "__ftrace_invalid",
	};
	static const char * const names[] = { "arch_cpu_idle", "default_idle" };
	unsigned int i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* void, or a type passed in a register (no struct by value) */
static bool simple_type(const struct btf *btf, __u32 id, bool void_ok)
{
	const struct btf_type *t;

	if (!id)
		return void_ok;
	t = btf__type_by_id(btf, id);
	while (btf_is_mod(t) || btf_is_typedef(t))
		t = btf__type_by_id(btf, t->type);
	return btf_is_int(t) || btf_is_ptr(t) || btf_is_enum(t) || btf_is_enum64(t);
}

/* At most 6 arguments, the return value and each argument in a register. */
static bool simple_proto(const struct btf *btf, const struct btf_type *func)
{
	const struct btf_type *proto = btf__type_by_id(btf, func->type);
	const struct btf_param *p = btf_params(proto);
	int i, n = btf_vlen(proto);

	if (n > 6 || !simple_type(btf, proto->type, true))
		return false;
	for (i = 0; i < n; i++)
		if (!simple_type(btf, p[i].type, false))	/* 0: variadic */
			return false;
	return true;
}

/* Target 0 is bpf_fentry_test1 (triggered through test_run), then @n - 1 functions
 * spread evenly over the candidates, or all of them if @n is 0. Returns the number of
 * ids written.
 */
static int pick_targets(const struct btf *btf, __u32 *ids, int n)
{
	int i, id, nr = btf__type_cnt(btf), cands = 0, *cand;

	cand = calloc(nr, sizeof(*cand));
	CHECK(cand, "out of memory");
	for (id = 1; id < nr; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (btf_is_func(t) && !skipped(name) && traceable_once(name) &&
		    simple_proto(btf, t))
			cand[cands++] = id;
	}
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

/* Drop from @ids the targets the kernel's log rejects ("target N (btf_id M): ...", a
 * line each, in ascending order); returns how many.
 */
static int drop_logged_targets(const char *log, __u32 *ids, int *cnt)
{
	static char drop[MAX_TARGETS];
	const char *line;
	unsigned int idx;
	int i, j, n = 0;

	memset(drop, 0, *cnt);
	for (line = log; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "target %u (", &idx) == 1 && idx < (unsigned int)*cnt &&
		    !drop[idx]) {
			drop[idx] = 1;
			n++;
		}
	}
	for (i = 0, j = 0; i < *cnt; i++) {
		if (!drop[i])
			ids[j++] = ids[i];
	}
	*cnt = j;
	return n;
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

static int run(bool fexit, int n)
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

	CHECK(!n || (n >= 2 && n <= MAX_TARGETS), "N must be 2..%d", MAX_TARGETS);
	CHECK_EQ(read_filter_functions(), 0);
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
	btf__free(btf);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? (strcmp(argv[2], "all") ? atoi(argv[2]) : 0) : 1000;

	libbpf_set_print(print_libbpf_msg);
	if (argc < 2 || (strcmp(argv[1], "fentry") && strcmp(argv[1], "fexit"))) {
		fprintf(stderr, "usage: %s fentry|fexit [N]\n", argv[0]);
		return 2;
	}
	return run(!strcmp(argv[1], "fexit"), n) ? 1 : 0;
}
