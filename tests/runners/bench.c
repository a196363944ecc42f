// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's guest side (tests/guest/bench.sh drives it, scripts/bench-report.py
 * turns its rows into tables and a plot):
 *
 *   bench funcs N|all        print the function set ("name btf_id" lines): N distinct
 *                            traceable vmlinux functions, first the handler of the
 *                            syscall the per-call loop makes
 *   bench header             print the CSV header of the rows below
 *   bench run METHOD FILE R  load, attach, time a syscall loop, detach one program set on
 *                            the functions in FILE; print one row (R: repetition number)
 *
 * Methods: "fentry"/"fexit" (one program and one link per function, what tools do on
 * kernels without multi-links), "fentry.multi"/"fexit.multi" (one program, one tracing
 * multi-link through the raw BPF_LINK_CREATE of docs/uapi.md), "kprobe.multi"/
 * "kretprobe.multi" (one program, one kprobe_multi link by symbol names). Every method
 * loads the same instructions: count the call in an array map, return 0.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define ENABLED_FUNCTIONS	"/sys/kernel/tracing/enabled_functions"
#define FILTER_FUNCTIONS	"/sys/kernel/tracing/available_filter_functions"
#define MAX_ARGS		6	/* all in registers: every trampoline can take it */
#define LOOPS			20000	/* getpid() calls per timed loop */
#define LOOP_ROUNDS		15	/* timed loops per figure; the fastest is kept */
#define DETACH_POLL_US		1000
#define DETACH_LIMIT_S		3600	/* give up waiting for enabled_functions */
#define SETTLE_MS		2000	/* at most, for earlier runs' images to go */

/*
 * The handler of getpid(): the per-call loop calls it, and it is always the first
 * function of the set, so that every method traces it. `__x64_sys_getpid` is an alias
 * (ftrace and BTF know the function as `__do_sys_getpid`).
 */
#define TRIGGER_FUNC		"__do_sys_getpid"

/* Names no set may contain (why: see is_excluded()). */
static const char *const excluded_prefixes[] = {
	"bpf_", "__bpf", "rcu_", "preempt_", "migrate_", "__ftrace_invalid",
};
static const char *const excluded_names[] = {
	/* The verifier's btf_id_deny and noreturn_deny (kernel/bpf/verifier.c, 6.12). */
	"migrate_disable", "migrate_enable", "rcu_read_unlock_strict",
	"preempt_count_add", "preempt_count_sub", "__rcu_read_lock", "__rcu_read_unlock",
	"__ia32_sys_exit", "__ia32_sys_exit_group", "__kunit_abort",
	"kunit_try_catch_throw", "__module_put_and_kthread_exit", "__x64_sys_exit",
	"__x64_sys_exit_group", "do_exit", "do_group_exit", "kthread_complete_and_exit",
	"kthread_exit", "make_task_dead",
	/* Idle path, RCU not watching: kprobe_multi there splats "suspicious RCU usage"
	 * (the kernel's kprobe_multi selftest skips them for that reason). */
	"arch_cpu_idle", "default_idle",
};

struct method {
	const char *name;
	enum bpf_prog_type prog_type;
	enum bpf_attach_type attach_type;
	bool per_function;	/* one program and one link per function */
	bool retprobe;		/* kprobe_multi: BPF_F_KPROBE_MULTI_RETURN */
};

static const struct method methods[] = {
	{ "fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, true },
	{ "fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, true },
	{ "fentry.multi", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY_MULTI },
	{ "fexit.multi", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT_MULTI },
	{ "kprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI },
	{ "kretprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, false, true },
};

/* One row of results; the CSV columns, in order. */
struct result {
	const char *status;	/* "ok", or what went wrong (an errno name, "timeout") */
	double load_ms;		/* BPF_PROG_LOAD of every program */
	double attach_ms;	/* BPF_LINK_CREATE of every link */
	double close_ms;	/* close() of every link fd */
	double detach_ms;	/* from the first close() until enabled_functions is back */
	long enabled;		/* enabled_functions lines added by the attach */
	long tramp_images;	/* bpf_trampoline_* symbols added by the attach */
	long memavail_kb;	/* MemAvailable consumed by load + attach */
	long slab_kb;		/* Slab grown by load + attach */
	long memlock_b;		/* sum of the programs' fdinfo memlock */
	long jited_b;		/* sum of the programs' jited sizes */
	double untraced_ns;	/* per getpid() call, before loading */
	double traced_ns;	/* per getpid() call, attached */
	long hits;		/* program runs during one traced loop */
};

static const char header[] =
	"method,n,rep,status,load_ms,attach_ms,close_ms,detach_ms,enabled,tramp_images,"
	"memavail_kb,slab_kb,memlock_b,jited_b,untraced_ns,traced_ns,hits";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* BENCH_VERBOSE=1: how long each step of a run takes, on stderr. */
static void trace_step(const char *step)
{
	static double last;
	double t = now_ms();

	if (getenv("BENCH_VERBOSE"))
		fprintf(stderr, "bench: %8.1f ms  %s\n", last ? t - last : 0, step);
	last = t;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	return p;
}

/* A growable array of strings. */
struct names {
	char **v;
	size_t n, cap;
};

static void names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v) {
			fprintf(stderr, "bench: out of memory\n");
			exit(1);
		}
	}
	s->v[s->n] = strdup(name);
	if (!s->v[s->n++]) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* How often @name is in the sorted array @s. */
static size_t count_sorted(const struct names *s, const char *name)
{
	char **hit = bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str);
	char **lo, **hi;

	if (!hit)
		return 0;
	for (lo = hit; lo > s->v && !strcmp(lo[-1], name); lo--)
		;
	for (hi = hit; hi + 1 < s->v + s->n && !strcmp(hi[1], name); hi++)
		;
	return hi - lo + 1;
}

static void names_sort(struct names *s)
{
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}

/*
 * The name of each line of a kallsyms-like file: field @field (0-based) of lines
 * without a "[module]" field when @skip_modules.
 */
static int read_names(const char *path, int field, bool skip_modules, struct names *out)
{
	char line[512], *tok, *save;
	FILE *f = fopen(path, "r");
	int i;

	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (skip_modules && strchr(line, '['))
			continue;
		tok = strtok_r(line, " \t\n", &save);
		for (i = 0; tok && i < field; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (tok)
			names_add(out, tok);
	}
	fclose(f);
	return 0;
}

static bool is_excluded(const char *name)
{
	size_t i;

	/* bpf_*: the BPF machinery itself; rcu_*, preempt_*, migrate_*: what the
	 * trampolines and fprobe call around a program (recursion, RCU not watching). */
	for (i = 0; i < sizeof(excluded_prefixes) / sizeof(*excluded_prefixes); i++)
		if (!strncmp(name, excluded_prefixes[i], strlen(excluded_prefixes[i])))
			return true;
	for (i = 0; i < sizeof(excluded_names) / sizeof(*excluded_names); i++)
		if (!strcmp(name, excluded_names[i]))
			return true;
	return false;
}

/* An argument or return type every trampoline passes in one register. */
static bool is_register_type(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t)
		return false;
	if (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t))
		return t->size <= 8;
	return btf_is_ptr(t);
}

/* At most MAX_ARGS integer or pointer arguments, no varargs, a scalar or no result. */
static bool is_simple_prototype(const struct btf *btf, __u32 func_id)
{
	const struct btf_type *proto = btf__type_by_id(btf, btf__type_by_id(btf, func_id)->type);
	const struct btf_param *p = btf_params(proto);
	int i;

	if (btf_vlen(proto) > MAX_ARGS)
		return false;
	for (i = 0; i < btf_vlen(proto); i++)
		if (!p[i].type || !is_register_type(btf, p[i].type))
			return false;
	return !proto->type || is_register_type(btf, proto->type);
}

/*
 * Every BTF FUNC of vmlinux by name, sorted: btf__find_by_name_kind() is a linear
 * search, too slow for 20k names under TCG.
 */
struct func_index {
	struct func_entry {
		const char *name;
		__u32 id;
	} *v;
	size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct func_entry *)a)->name, ((const struct func_entry *)b)->name);
}

static void index_funcs(const struct btf *btf, struct func_index *idx)
{
	__u32 id, id_cnt = btf__type_cnt(btf);
	const struct btf_type *t;

	idx->v = xcalloc(id_cnt, sizeof(*idx->v));
	idx->n = 0;
	for (id = 1; id < id_cnt; id++) {
		t = btf__type_by_id(btf, id);
		if (btf_is_func(t)) {
			idx->v[idx->n].name = btf__name_by_offset(btf, t->name_off);
			idx->v[idx->n++].id = id;
		}
	}
	qsort(idx->v, idx->n, sizeof(*idx->v), cmp_entry);
}

/* The BTF FUNC named @name if there is exactly one, else 0. */
static __u32 unique_func_id(const struct func_index *idx, const char *name)
{
	struct func_entry key = { .name = name }, *hit;

	hit = bsearch(&key, idx->v, idx->n, sizeof(*idx->v), cmp_entry);
	if (!hit || (hit > idx->v && !strcmp(hit[-1].name, name)) ||
	    (hit + 1 < idx->v + idx->n && !strcmp(hit[1].name, name)))
		return 0;
	return hit->id;
}

/*
 * Every function the benchmark may trace, in available_filter_functions order: in
 * vmlinux, listed once there, once in kallsyms, one BTF FUNC with a simple prototype,
 * not excluded. TRIGGER_FUNC comes first.
 */
static int traceable_functions(struct btf *btf, const struct func_index *btf_funcs,
			       struct names *out)
{
	struct names filter = {}, sorted_filter = {}, kallsyms = {};
	bool have_trigger = false;
	size_t i;
	__u32 func;

	if (read_names(FILTER_FUNCTIONS, 0, true, &filter) ||
	    read_names(FILTER_FUNCTIONS, 0, true, &sorted_filter) ||
	    read_names("/proc/kallsyms", 2, false, &kallsyms))
		return -1;
	names_sort(&sorted_filter);
	names_sort(&kallsyms);

	names_add(out, TRIGGER_FUNC);
	for (i = 0; i < filter.n; i++) {
		const char *name = filter.v[i];

		if (is_excluded(name) || count_sorted(&sorted_filter, name) != 1 ||
		    count_sorted(&kallsyms, name) != 1)
			continue;
		func = unique_func_id(btf_funcs, name);
		if (!func || !is_simple_prototype(btf, func))
			continue;
		if (!strcmp(name, TRIGGER_FUNC))
			have_trigger = true;
		else
			names_add(out, name);
	}
	if (!have_trigger) {
		fprintf(stderr, "bench: %s is not traceable on this kernel\n", TRIGGER_FUNC);
		return -1;
	}
	return 0;
}

/*
 * bench funcs N|all: TRIGGER_FUNC, then N - 1 picked evenly from the traceable ones;
 * "name btf_id" per line (the runs then need not parse BTF, slow under TCG).
 */
static int cmd_funcs(const char *arg)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct func_index btf_funcs;
	struct names all = {};
	size_t n, rest, i;
	const char *name;
	char *end;

	if (!btf) {
		fprintf(stderr, "bench: vmlinux BTF: %s\n", strerror(errno));
		return 1;
	}
	index_funcs(btf, &btf_funcs);
	if (traceable_functions(btf, &btf_funcs, &all))
		return 1;
	if (!strcmp(arg, "all")) {
		n = all.n;
	} else {
		n = strtoul(arg, &end, 10);
		if (*end || !n || n > all.n) {
			fprintf(stderr, "bench: N must be 1..%zu or \"all\", not \"%s\"\n",
				all.n, arg);
			return 1;
		}
	}
	rest = all.n - 1;	/* candidates after the trigger */
	for (i = 0; i < n; i++) {
		name = i ? all.v[1 + (i - 1) * rest / (n - 1)] : all.v[0];
		printf("%s %u\n", name, unique_func_id(&btf_funcs, name));
	}
	return 0;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");

	/* Fold the per-CPU counter deltas first, or meminfo lags by up to a second. */
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/*
 * Functions ftrace calls out of: one line each, and a direct call (trampoline) adds a
 * "\tdirect-->" continuation line, not counted.
 */
static long enabled_functions(void)
{
	FILE *f = fopen(ENABLED_FUNCTIONS, "r");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !strchr(" \t\n", line[0]);
	fclose(f);
	return n;
}

/* Trampoline images: "bpf_trampoline_<key> [bpf]" symbols in kallsyms. */
static long trampoline_images(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, " bpf_trampoline_") && strstr(line, "[bpf]");
	fclose(f);
	return n;
}

static long fdinfo_memlock(int fd)
{
	char path[64], line[256];
	long bytes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "memlock:", 8))
			bytes = strtol(line + 8, NULL, 10);
	fclose(f);
	return bytes;
}

/*
 * Nanoseconds per getpid() call: the fastest of LOOP_ROUNDS loops (the emulator shares
 * the host with other work: interference only ever adds time).
 */
static double ns_per_call(void)
{
	double best = 0, ns, t;
	int r, i;

	for (r = 0; r < LOOP_ROUNDS; r++) {
		t = now_ms();
		for (i = 0; i < LOOPS; i++)
			syscall(SYS_getpid);
		ns = (now_ms() - t) * 1e6 / LOOPS;
		if (!r || ns < best)
			best = ns;
	}
	return best;
}

/* count[0] += 1; return 0 -- through a direct map value address, no helper call. */
static int load_prog(const struct method *m, int map_fd, __u32 btf_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_VALUE, .imm = map_fd },
		{ .imm = 0 },	/* offset into the value */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 1 },
		{ .code = BPF_STX | BPF_DW | BPF_ATOMIC, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_2, .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = m->attach_type,
		.attach_btf_id = m->prog_type == BPF_PROG_TYPE_TRACING ? btf_id : 0,
	);
	int fd = bpf_prog_load(m->prog_type, "bench", "GPL", insns,
			       sizeof(insns) / sizeof(*insns), &opts);

	return fd < 0 ? -errno : fd;
}

/* BPF_LINK_CREATE with attr.link_create.tracing_multi (docs/uapi.md): vmlinux targets. */
static int link_tracing_multi(int prog_fd, const struct method *m, const __u32 *ids, __u32 n)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = m->attach_type;
	attr.link_create.tracing_multi.cnt = n;
	attr.link_create.tracing_multi.ids = (__u64)(unsigned long)ids;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

static int link_kprobe_multi(int prog_fd, const struct method *m, const char **syms, __u32 n)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		.kprobe_multi.syms = syms,
		.kprobe_multi.cnt = n,
		.kprobe_multi.flags = m->retprobe ? BPF_F_KPROBE_MULTI_RETURN : 0,
	);
	int fd = bpf_link_create(prog_fd, 0, m->attach_type, &opts);

	return fd < 0 ? -errno : fd;
}

/*
 * Trampoline images of earlier runs are freed asynchronously, after their last user left
 * them (RCU tasks): wait a bit for them, so that this run's baselines do not include them.
 */
static void settle(void)
{
	double start = now_ms();

	while (trampoline_images() > 0 && now_ms() - start < SETTLE_MS)
		usleep(100000);
}

/* Wait until enabled_functions has no more than @baseline lines; -1 after the limit. */
static int wait_enabled_back(long baseline)
{
	double start = now_ms();

	while (enabled_functions() > baseline) {
		if (now_ms() - start > DETACH_LIMIT_S * 1e3)
			return -1;
		usleep(DETACH_POLL_US);
	}
	return 0;
}

static const char *errno_status(int err)
{
	static char buf[64];

	switch (err) {
	case E2BIG: return "E2BIG";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	}
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

static void print_row(const char *method, size_t n, const char *rep, const struct result *r)
{
	printf("BENCH_ROW,%s,%zu,%s,%s,%.2f,%.2f,%.2f,%.2f,%ld,%ld,%ld,%ld,%ld,%ld,%.1f,%.1f,%ld\n",
	       method, n, rep, r->status, r->load_ms, r->attach_ms, r->close_ms, r->detach_ms,
	       r->enabled, r->tramp_images, r->memavail_kb, r->slab_kb, r->memlock_b,
	       r->jited_b, r->untraced_ns, r->traced_ns, r->hits);
	fflush(stdout);
}

/*
 * Load, attach, measure, detach. Returns 0 with every field of @r set, or non-zero with
 * @r->status naming the failure; either way nothing is left attached or loaded.
 */
static int measure(const struct method *m, struct names *set, const __u32 *ids,
		   struct result *r)
{
	size_t n = set->n, nprogs = m->per_function ? n : 1, nlinks = nprogs, i;
	int *progs = xcalloc(nprogs, sizeof(int)), *links = xcalloc(nlinks, sizeof(int));
	long enabled0, images0, memavail0, slab0;
	__u64 count0, count1;
	int map_fd, fd, ret = 1;
	__u32 key = 0;
	double t;

	for (i = 0; i < nprogs; i++)
		progs[i] = -1;
	for (i = 0; i < nlinks; i++)
		links[i] = -1;
	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bench_count", sizeof(key),
				sizeof(count0), 1, NULL);
	if (map_fd < 0) {
		r->status = "map_create";
		goto out;
	}

	trace_step("start");
	settle();
	trace_step("settled");
	r->untraced_ns = ns_per_call();
	trace_step("untraced loop");
	enabled0 = enabled_functions();
	images0 = trampoline_images();
	memavail0 = meminfo_kb("MemAvailable");
	slab0 = meminfo_kb("Slab");

	t = now_ms();
	for (i = 0; i < nprogs; i++) {
		/* Multi programs: the set's first function is the load-time target. */
		fd = load_prog(m, map_fd, ids[i]);
		if (fd < 0) {
			r->status = errno_status(-fd);
			fprintf(stderr, "bench: %s: load for %s: %s\n", m->name, set->v[i],
				strerror(-fd));
			goto out;
		}
		progs[i] = fd;
	}
	r->load_ms = now_ms() - t;
	trace_step("loaded");

	t = now_ms();
	for (i = 0; i < nlinks; i++) {
		if (m->per_function)
			fd = bpf_link_create(progs[i], 0, m->attach_type, NULL);
		else if (m->prog_type == BPF_PROG_TYPE_TRACING)
			fd = link_tracing_multi(progs[0], m, ids, n);
		else
			fd = link_kprobe_multi(progs[0], m, (const char **)set->v, n);
		if (fd < 0) {
			r->status = errno_status(-fd);
			fprintf(stderr, "bench: %s: attach %zu functions: %s\n", m->name, n,
				strerror(-fd));
			goto out;
		}
		links[i] = fd;
	}
	r->attach_ms = now_ms() - t;
	trace_step("attached");

	r->memavail_kb = memavail0 - meminfo_kb("MemAvailable");
	r->slab_kb = meminfo_kb("Slab") - slab0;
	r->enabled = enabled_functions() - enabled0;
	r->tramp_images = trampoline_images() - images0;
	for (i = 0; i < nprogs; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_prog_get_info_by_fd(progs[i], &info, &len))
			r->jited_b += info.jited_prog_len;
		r->memlock_b += fdinfo_memlock(progs[i]);
	}

	trace_step("counted memory, ftrace entries, images, programs");
	if (bpf_map_lookup_elem(map_fd, &key, &count0)) {
		r->status = "map_lookup";
		goto out;
	}
	r->traced_ns = ns_per_call();
	if (bpf_map_lookup_elem(map_fd, &key, &count1)) {
		r->status = "map_lookup";
		goto out;
	}
	r->hits = (count1 - count0) / LOOP_ROUNDS;
	trace_step("traced loop");

	/* Detach: every link closed, and ftrace back to where it was before. */
	t = now_ms();
	for (i = 0; i < nlinks; i++) {
		close(links[i]);
		links[i] = -1;
	}
	r->close_ms = now_ms() - t;
	if (wait_enabled_back(enabled0)) {
		r->status = "detach_timeout";
		goto out;
	}
	r->detach_ms = now_ms() - t;
	trace_step("detached");

	/* A figure is only worth something if the programs ran, on every function. */
	if (r->hits < LOOPS)
		r->status = "missed_calls";
	else if (r->enabled != (long)n)
		r->status = "enabled_mismatch";
	else
		r->status = "ok";
	ret = strcmp(r->status, "ok") != 0;
out:
	for (i = 0; i < nlinks; i++)
		if (links[i] >= 0)
			close(links[i]);
	for (i = 0; i < nprogs; i++)
		if (progs[i] >= 0)
			close(progs[i]);
	if (map_fd >= 0)
		close(map_fd);
	free(progs);
	free(links);
	return ret;
}

static int cmd_run(const char *method, const char *path, const char *rep)
{
	const struct method *m = NULL;
	struct result r = { .status = "setup" };
	struct names set = {}, id_column = {};
	struct rlimit nofile;
	__u32 *ids;
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (!strcmp(methods[i].name, method))
			m = &methods[i];
	if (!m) {
		fprintf(stderr, "bench: no method \"%s\"; methods:", method);
		for (i = 0; i < sizeof(methods) / sizeof(*methods); i++)
			fprintf(stderr, " %s", methods[i].name);
		fprintf(stderr, "\n");
		return 2;
	}
	/* "name btf_id" lines, as "bench funcs" prints them */
	if (read_names(path, 0, false, &set) || read_names(path, 1, false, &id_column))
		return 1;
	if (!set.n || set.n != id_column.n) {
		fprintf(stderr, "bench: %s: expected \"name btf_id\" lines\n", path);
		return 1;
	}
	ids = xcalloc(set.n, sizeof(*ids));
	for (i = 0; i < set.n; i++) {
		ids[i] = strtoul(id_column.v[i], NULL, 10);
		if (!ids[i]) {
			fprintf(stderr, "bench: %s: no BTF id for %s\n", path, set.v[i]);
			return 1;
		}
	}

	/* Per-function methods hold a program and a link fd per function. */
	nofile.rlim_cur = nofile.rlim_max = 2 * set.n + 64;
	if (m->per_function && setrlimit(RLIMIT_NOFILE, &nofile)) {
		fprintf(stderr, "bench: %zu open files: %s\n", 2 * set.n + 64, strerror(errno));
		return 1;
	}
	measure(m, &set, ids, &r);
	print_row(m->name, set.n, rep, &r);
	return strcmp(r.status, "ok") != 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "header")) {
		printf("BENCH_HEADER,%s\n", header);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "funcs"))
		return cmd_funcs(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "run"))
		return cmd_run(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: %s funcs N|all | header | run METHOD FUNCS_FILE REP\n", argv[0]);
	return 2;
}
