// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the tracing multi-link, through the raw BPF_LINK_CREATE syscall:
 * targets in vmlinux, the test module and mixed, arguments, return values, fmod_ret,
 * cookies and function addresses per target, link info and fdinfo, every errno of the
 * ABI (docs/uapi.md), rollback (also of 1000 targets), co-existence with single fentry
 * links, detach, BPF_PROG_TEST_RUN of the multi types, and a stress test.
 */
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include "testlib.h"
#include "many_funcs.h"
#include "tracing_multi.skel.h"

#define SLOTS 64

struct target {
	const char *func;
	bool module;		/* in the test module's BTF, else vmlinux */
};

struct multi_attach {
	__u32 cnt;
	__u32 ids[SLOTS + 2];
	__u32 fds[SLOTS + 2];
	__u64 cookies[SLOTS + 2];
	char log[4096];
};

static struct btf *vmlinux_btf, *module_btf;
static int module_btf_fd = -1;

static int setup(void)
{
	CHECK_EQ(testmod_load(), 0);
	vmlinux_btf = btf__load_vmlinux_btf();
	CHECK(vmlinux_btf, "vmlinux BTF: %d", -errno);
	module_btf = btf__load_module_btf(TESTMOD_NAME, vmlinux_btf);
	CHECK(module_btf, "module BTF: %d", -errno);
	module_btf_fd = btf_fd_by_name(TESTMOD_NAME);
	CHECK(module_btf_fd >= 0, "module BTF fd: %d", module_btf_fd);
	return 0;
}

static int func_id(const struct target *t)
{
	return btf__find_by_name_kind(t->module ? module_btf : vmlinux_btf, t->func,
				      BTF_KIND_FUNC);
}

/* Fill @m with @n targets, target i getting cookie (slot) i. */
static int fill_targets(struct multi_attach *m, const struct target *t, int n)
{
	int i, id;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		id = func_id(&t[i]);
		CHECK(id > 0, "no BTF FUNC %s", t[i].func);
		m->ids[i] = id;
		m->fds[i] = t[i].module ? module_btf_fd : 0;
		m->cookies[i] = i;
	}
	m->cnt = n;
	return 0;
}

/*
 * BPF_LINK_CREATE of @prog_fd, a @type program, with attr.link_create.tracing_multi;
 * returns the link fd or -errno.
 */
static int link_multi(struct bpf_program *prog, __u32 cnt, const __u32 *ids,
		      const __u32 *fds, const __u64 *cookies, char *log, __u32 log_size)
{
	return link_multi_fd(bpf_program__fd(prog), bpf_program__expected_attach_type(prog),
			     cnt, ids, fds, cookies, log, log_size);
}

static int link_targets(struct bpf_program *prog, struct multi_attach *m)
{
	return link_multi(prog, m->cnt, m->ids, m->fds, m->cookies, m->log, sizeof(m->log));
}

/*
 * Open the skeleton with only @prog_name loaded, as a @type program. The section name
 * gives the load-time target. Returns NULL (after printing why) on failure.
 */
static struct tracing_multi *load_one(const char *prog_name, enum bpf_attach_type type)
{
	struct tracing_multi *skel = tracing_multi__open();
	struct bpf_program *prog;

	if (!skel) {
		fprintf(stderr, "open: %d\n", -errno);
		return NULL;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		bool mine = !strcmp(bpf_program__name(prog), prog_name);

		bpf_program__set_autoload(prog, mine);
		if (mine && type)
			bpf_program__set_expected_attach_type(prog, type);
	}
	if (tracing_multi__load(skel)) {
		fprintf(stderr, "load %s: %d\n", prog_name, -errno);
		tracing_multi__destroy(skel);
		return NULL;
	}
	return skel;
}

/*
 * Load @prog_name as a @type program and link it to the @n targets @t (cookie i for
 * target i). Returns the link fd, or a negative errno with the kernel's log in @m->log;
 * *@skel is for the caller to destroy (it may be NULL).
 */
static int load_and_link(const char *prog_name, enum bpf_attach_type type,
			 const struct target *t, int n, struct tracing_multi **skel,
			 struct multi_attach *m)
{
	*skel = load_one(prog_name, type);
	if (!*skel)
		return -ENOENT;
	if (fill_targets(m, t, n))
		return -ENOENT;
	return link_targets(bpf_object__find_program_by_name((*skel)->obj, prog_name), m);
}

/* Lines of enabled_functions naming @func (its trampoline or ftrace ops); NULL: all. */
static int ftrace_enabled(const char *func)
{
	FILE *f = fopen("/sys/kernel/tracing/enabled_functions", "r");
	char line[512];
	size_t n = func ? strlen(func) : 0;
	int hits = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		hits += func ? !strncmp(line, func, n) && line[n] == ' ' : line[0] != '\n';
	fclose(f);
	return hits;
}

/* Each target's slot saw @runs hits at the right function address. */
static int check_slots(struct tracing_multi *skel, const struct target *t, int n, int runs)
{
	int i;

	CHECK_EQ(skel->bss->bad_cookie, 0);
	for (i = 0; i < n; i++) {
		CHECK(skel->bss->hits[i] == runs, "%s (cookie %d): %llu hits, expected %d",
		      t[i].func, i, skel->bss->hits[i], runs);
		CHECK(skel->bss->ips[i] == kallsyms_addr(t[i].func),
		      "%s: bpf_get_func_ip() %llx, kallsyms %llx", t[i].func,
		      skel->bss->ips[i], kallsyms_addr(t[i].func));
	}
	return 0;
}

/* fentry multi on vmlinux functions: cookies, addresses and arg0 per target. */
static int fentry_vmlinux(void)
{
	static const struct target t[] = { { "bpf_fentry_test1" }, { "bpf_fentry_test2" } };
	struct tracing_multi *skel;
	struct multi_attach m;
	int fd;

	CHECK_EQ(setup(), 0);
	fd = load_and_link("fentry_arg0", BPF_TRACE_FENTRY_MULTI, t, 2, &skel, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_arg0), 0);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_arg0), 0);
	CHECK_EQ(check_slots(skel, t, 2, 2), 0);
	/* bpf_fentry_test1(1), bpf_fentry_test2(2, 3) */
	CHECK_EQ(skel->bss->arg0[0], 1);
	CHECK_EQ(skel->bss->arg0[1], 2);
	close(fd);

	/* Released: no more hits. */
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_arg0), 0);
	CHECK_EQ(skel->bss->hits[0], 2);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	tracing_multi__destroy(skel);
	return 0;
}

/* vmlinux and module targets in one link; the module is pinned while it lives. */
static int fentry_mixed(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "tmulti_test_int", true },
		{ "tmulti_test_long", true }, { "tmulti_test_sleepable", true },
	};
	struct tracing_multi *skel;
	struct multi_attach m;
	int fd, refs;

	CHECK_EQ(setup(), 0);
	refs = module_refcnt();
	fd = load_and_link("fentry_arg0", BPF_TRACE_FENTRY_MULTI, t, 4, &skel, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK(module_refcnt() > refs, "module refcnt %d with the link, %d before",
	      module_refcnt(), refs);
	CHECK_EQ(testmod_unload(), -EAGAIN);

	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_arg0), 0);
	CHECK_EQ(testmod_trigger(33), 0);
	CHECK_EQ(check_slots(skel, t, 4, 1), 0);
	CHECK_EQ(skel->bss->arg0[0], 1);
	CHECK_EQ(skel->bss->arg0[1], 33);
	CHECK_EQ(skel->bss->arg0[2], 33);
	CHECK_EQ(skel->bss->arg0[3], 33);
	close(fd);
	CHECK_EQ(module_refcnt(), refs);
	tracing_multi__destroy(skel);
	CHECK_EQ(testmod_unload(), 0);
	CHECK_EQ(testmod_load(), 0);
	return 0;
}

/* fexit multi reads arg0 and the return value of two int f(int) module functions. */
static int fexit_module(void)
{
	static const struct target t[] = {
		{ "tmulti_test_int", true }, { "tmulti_test_sleepable", true },
	};
	struct tracing_multi *skel;
	struct multi_attach m;
	int fd;

	CHECK_EQ(setup(), 0);
	fd = load_and_link("fexit_int", BPF_TRACE_FEXIT_MULTI, t, 2, &skel, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(testmod_trigger(21), 0);
	CHECK_EQ(check_slots(skel, t, 2, 1), 0);
	CHECK_EQ(skel->bss->arg0[0], 21);
	CHECK_EQ(skel->bss->rets[0], 22);	/* a + 1 */
	CHECK_EQ(skel->bss->arg0[1], 21);
	CHECK_EQ(skel->bss->rets[1], 42);	/* a * 2 */
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

static int read_results(long r[4])
{
	FILE *f = fopen(TESTMOD_TRIGGER, "r");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%ld %ld %ld %ld", &r[0], &r[1], &r[2], &r[3]);
	fclose(f);
	return n == 4 ? 0 : -EINVAL;
}

/* fmod_ret multi replaces the return value of both int f(int) module functions. */
static int fmod_ret_module(void)
{
	static const struct target t[] = {
		{ "tmulti_test_int", true }, { "tmulti_test_sleepable", true },
	};
	struct tracing_multi *skel;
	struct multi_attach m;
	long r[4];
	int fd;

	CHECK_EQ(setup(), 0);
	skel = load_one("fmod_int", BPF_MODIFY_RETURN_MULTI);
	CHECK(skel, "load");
	skel->bss->fmod_trigger = 42;
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	fd = link_targets(skel->progs.fmod_int, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);

	CHECK_EQ(testmod_trigger(5), 0);	/* not the trigger value: unchanged */
	CHECK_EQ(read_results(r), 0);
	CHECK_EQ(r[0], 6);
	CHECK_EQ(r[3], 10);
	CHECK_EQ(testmod_trigger(42), 0);	/* replaced by 1000 + cookie */
	CHECK_EQ(read_results(r), 0);
	CHECK_EQ(r[0], 1000);
	CHECK_EQ(r[3], 1001);
	CHECK_EQ(r[1], 1042);			/* tmulti_test_long: not a target */
	close(fd);
	CHECK_EQ(testmod_trigger(42), 0);
	CHECK_EQ(read_results(r), 0);
	CHECK_EQ(r[0], 43);
	tracing_multi__destroy(skel);
	return 0;
}

/* Every error of the ABI, and nothing left behind after each. */
/* Two BTF FUNC ids with one name, so one address, in @m (vmlinux targets). */
static int same_address_funcs(struct multi_attach *m)
{
	const struct btf_type *t;
	const char *name;
	__s32 first;
	__u32 id;

	for (id = 1; id < btf__type_cnt(vmlinux_btf); id++) {
		t = btf__type_by_id(vmlinux_btf, id);
		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(vmlinux_btf, t->name_off);
		if (strncmp(name, "__x64_sys_", 10))
			continue;
		first = btf__find_by_name_kind(vmlinux_btf, name, BTF_KIND_FUNC);
		if (first <= 0 || (__u32)first == id)
			continue;
		memset(m, 0, sizeof(*m));
		m->cnt = 2;
		m->ids[0] = first;
		m->ids[1] = id;
		printf("%s: btf ids %d and %u\n", name, first, id);
		return 0;
	}
	fprintf(stderr, "no __x64_sys_* function with two BTF ids\n");
	return -ENOENT;
}

static int errors(void)
{
	static const struct target t[] = { { "bpf_fentry_test1" }, { "bpf_fentry_test2" } };
	static const struct target four[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
		{ "migrate_disable" },	/* btf_id_deny */
	};
	struct tracing_multi *skel, *single;
	struct bpf_program *p;
	struct multi_attach m;
	__u32 *many, i;
	int fd, user_btf_fd, refs;
	struct btf *user_btf;

	CHECK_EQ(setup(), 0);
	refs = module_refcnt();
	skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	p = skel->progs.fentry_noargs;

	CHECK_EQ(fill_targets(&m, t, 2), 0);
	CHECK_EQ(link_multi(p, 0, m.ids, NULL, NULL, NULL, 0), -EINVAL);
	/* one more than the kernel's limit, 1 << 20 as for kprobe_multi */
	many = calloc((1 << 20) + 1, sizeof(*many));
	CHECK(many, "calloc");
	for (i = 0; i < (1 << 20) + 1; i++)
		many[i] = m.ids[0];
	CHECK_EQ(link_multi(p, (1 << 20) + 1, many, NULL, NULL, NULL, 0), -E2BIG);
	free(many);
	CHECK_EQ(link_multi(p, 2, NULL, NULL, NULL, NULL, 0), -EINVAL);
	m.ids[1] = 0;
	CHECK_EQ(link_multi(p, 2, m.ids, NULL, NULL, NULL, 0), -EINVAL);
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	m.fds[1] = 1000;				/* not an open fd */
	CHECK_EQ(link_targets(p, &m), -EBADF);

	/* A BTF fd that is not a kernel BTF. */
	user_btf = btf__new_empty();
	CHECK(user_btf, "btf__new_empty");
	btf__add_int(user_btf, "int", 4, BTF_INT_SIGNED);
	CHECK_EQ(btf__load_into_kernel(user_btf), 0);
	user_btf_fd = btf__fd(user_btf);
	m.fds[1] = user_btf_fd;
	CHECK_EQ(link_targets(p, &m), -EOPNOTSUPP);
	btf__free(user_btf);

	/* A type that is not a function. */
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	m.ids[1] = btf__find_by_name_kind(vmlinux_btf, "task_struct", BTF_KIND_STRUCT);
	CHECK_EQ(link_targets(p, &m), -EINVAL);

	/* The same target twice. */
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	m.ids[1] = m.ids[0];
	CHECK_EQ(link_targets(p, &m), -EINVAL);
	CHECK(strstr(m.log, "target 1 ") && strstr(m.log, "target 0"),
	      "duplicate: log does not name both targets: %s", m.log);

	/* Every rejected target is logged, not only the first: a struct and a
	 * function on the btf_id_deny list, around two good targets.
	 */
	CHECK_EQ(fill_targets(&m, four, 4), 0);
	m.ids[1] = btf__find_by_name_kind(vmlinux_btf, "task_struct", BTF_KIND_STRUCT);
	CHECK_EQ(link_targets(p, &m), -EINVAL);
	CHECK(strstr(m.log, "target 1 (") && strstr(m.log, "target 3 (") &&
	      !strstr(m.log, "target 0 (") && !strstr(m.log, "target 2 ("),
	      "log does not list exactly the two rejected targets: %s", m.log);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);

	/* Two BTF ids of one function (pahole keeps two FUNCs of one name when
	 * their prototypes differ, as for some __x64_sys_* wrappers): one address,
	 * rejected before anything is built.
	 */
	CHECK_EQ(same_address_funcs(&m), 0);
	CHECK_EQ(link_targets(p, &m), -EINVAL);
	CHECK(strstr(m.log, "target 1 (") && strstr(m.log, "same address as target 0"),
	      "two ids of one function: %s", m.log);
	printf("two ids of one function: %s", m.log);

	/* Module BTF fd with a vmlinux function id: the id does not resolve there. */
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	m.fds[0] = module_btf_fd;
	CHECK(link_targets(p, &m) < 0, "vmlinux id in module BTF accepted");
	CHECK_EQ(module_refcnt(), refs);

	/* A multi program through the single-target attach. */
	CHECK(bpf_link_create(bpf_program__fd(p), 0, BPF_TRACE_FENTRY_MULTI, NULL) < 0,
	      "single-target link_create accepted a multi program");
	CHECK(bpf_raw_tracepoint_open(NULL, bpf_program__fd(p)) < 0,
	      "raw_tracepoint_open accepted a multi program");

	/* A plain fentry program through the multi attach. */
	single = load_one("single_fentry", 0);
	CHECK(single, "load single");
	CHECK_EQ(fill_targets(&m, t, 1), 0);
	m.log[0] = 0;
	CHECK_EQ(link_multi(single->progs.single_fentry, 1, m.ids, NULL, NULL, NULL, 0), -EINVAL);
	tracing_multi__destroy(single);

	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test2"), 0);

	/* Works, then a second link for the same program. */
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	fd = link_targets(p, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(link_targets(p, &m), -EEXIST);
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

/* A target whose arg0 is not an int, read by the program: rejected, named in the log. */
static int prototype_mismatch(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test3" },	/* (char a, ...) */
	};
	static const struct target ok[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test3" }, { "bpf_fentry_test7" },
	};
	struct tracing_multi *skel;
	struct multi_attach m;
	int fd;

	CHECK_EQ(setup(), 0);
	CHECK_EQ(load_and_link("fentry_arg0", BPF_TRACE_FENTRY_MULTI, t, 2, &skel, &m),
		 -EINVAL);
	CHECK(strstr(m.log, "bpf_fentry_test3") && strstr(m.log, "arg0"),
	      "log does not name the function and argument: %s", m.log);
	printf("log: %s", m.log);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	tracing_multi__destroy(skel);

	/* A program that reads no argument takes any prototype. */
	fd = load_and_link("fentry_noargs", BPF_TRACE_FENTRY_MULTI, ok, 3, &skel, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_noargs), 0);
	CHECK_EQ(check_slots(skel, ok, 3, 1), 0);
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

/* The last target fails: the ones linked before it are unlinked again. */
static int rollback(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
		{ "bpf_fentry_test4" }, { "bpf_fentry_test5" }, { "bpf_fentry_test6" },
		{ "tmulti_test_int", true }, { "migrate_disable" },	/* btf_id_deny */
	};
	struct tracing_multi *skel;
	struct multi_attach m;
	int fd, refs;

	CHECK_EQ(setup(), 0);
	refs = module_refcnt();
	/* btf_id_deny: -EINVAL, and not a failed load (-ENOENT) */
	CHECK_EQ(load_and_link("fentry_noargs", BPF_TRACE_FENTRY_MULTI, t, 8, &skel, &m),
		 -EINVAL);
	printf("log: %s", m.log);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	CHECK_EQ(ftrace_enabled("tmulti_test_int"), 0);
	CHECK_EQ(module_refcnt(), refs);
	/* Still attachable after the failure. */
	CHECK_EQ(fill_targets(&m, t, 7), 0);
	fd = link_targets(skel->progs.fentry_noargs, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

/* fexit and fmod_ret on a noreturn function are refused, as at load time. */
static int noreturn_denied(void)
{
	static const struct target t[] = { { "tmulti_test_int", true }, { "do_exit" } };
	struct tracing_multi *skel;
	struct multi_attach m;

	CHECK_EQ(setup(), 0);
	CHECK_EQ(load_and_link("fexit_int", BPF_TRACE_FEXIT_MULTI, t, 2, &skel, &m), -EINVAL);
	printf("log: %s", m.log);
	CHECK_EQ(ftrace_enabled("tmulti_test_int"), 0);
	tracing_multi__destroy(skel);
	return 0;
}

/* A single fentry link and a multi link on the same function both run. */
static int coexist_single(void)
{
	static const struct target t[] = { { "bpf_fentry_test1" }, { "bpf_fentry_test2" } };
	struct tracing_multi *multi, *single;
	struct bpf_link *single_link;
	struct multi_attach m;
	int fd;

	CHECK_EQ(setup(), 0);
	multi = load_one("fentry_arg0", BPF_TRACE_FENTRY_MULTI);
	single = load_one("single_fentry", 0);
	CHECK(multi && single, "load");
	single_link = bpf_program__attach(single->progs.single_fentry);
	CHECK(single_link, "single attach: %d", -errno);
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	fd = link_targets(multi->progs.fentry_arg0, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(multi->progs.fentry_arg0), 0);
	CHECK_EQ(multi->bss->hits[0], 1);
	CHECK_EQ(single->bss->single_hits, 1);

	bpf_link__destroy(single_link);			/* multi keeps working */
	CHECK_EQ(trigger_fentry_test_funcs(multi->progs.fentry_arg0), 0);
	CHECK_EQ(multi->bss->hits[0], 2);
	CHECK_EQ(single->bss->single_hits, 1);

	single_link = bpf_program__attach(single->progs.single_fentry);
	CHECK(single_link, "single re-attach: %d", -errno);
	close(fd);					/* single keeps working */
	CHECK_EQ(trigger_fentry_test_funcs(multi->progs.fentry_arg0), 0);
	CHECK_EQ(multi->bss->hits[0], 2);
	CHECK_EQ(single->bss->single_hits, 2);
	bpf_link__destroy(single_link);
	tracing_multi__destroy(single);
	tracing_multi__destroy(multi);
	return 0;
}

/* bpf_link_info: count first, then the arrays; fdinfo lists every target. */
static int link_info(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "tmulti_test_int", true }, { "bpf_fentry_test2" },
	};
	__u32 ids[3], obj_ids[3], prog_ids[3], len;
	struct bpf_btf_info binfo = {};
	struct bpf_link_info info;
	struct tracing_multi *skel;
	__u64 cookies[3], addrs[3];
	struct multi_attach m;
	char path[64], line[256];
	int fd, i, vmlinux_id, module_id, lines = 0;
	FILE *f;

	CHECK_EQ(setup(), 0);
	len = sizeof(binfo);
	CHECK_EQ(bpf_btf_get_info_by_fd(module_btf_fd, &binfo, &len), 0);
	module_id = binfo.id;
	vmlinux_id = 1;
	skel = load_one("fentry_arg0", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	CHECK_EQ(fill_targets(&m, t, 3), 0);
	for (i = 0; i < 3; i++)
		m.cookies[i] = 0x100 + i;
	fd = link_targets(skel->progs.fentry_arg0, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);

	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len), 0);
	CHECK_EQ(info.type, BPF_LINK_TYPE_TRACING_MULTI);
	CHECK_EQ(info.tracing_multi.count, 3);
	CHECK_EQ(info.tracing_multi.attach_type, BPF_TRACE_FENTRY_MULTI);

	memset(&info, 0, sizeof(info));
	info.tracing_multi.count = 3;
	info.tracing_multi.btf_ids = (__u64)(unsigned long)ids;
	info.tracing_multi.btf_obj_ids = (__u64)(unsigned long)obj_ids;
	info.tracing_multi.tgt_prog_ids = (__u64)(unsigned long)prog_ids;
	info.tracing_multi.cookies = (__u64)(unsigned long)cookies;
	info.tracing_multi.addrs = (__u64)(unsigned long)addrs;
	len = sizeof(info);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(ids[i], m.ids[i]);
		CHECK_EQ(obj_ids[i], t[i].module ? module_id : vmlinux_id);
		CHECK_EQ(prog_ids[i], 0);
		CHECK_EQ(cookies[i], 0x100 + i);
		CHECK_EQ(addrs[i], kallsyms_addr(t[i].func));
	}

	/* Too small a count: what fits, and -ENOSPC. */
	memset(&info, 0, sizeof(info));
	info.tracing_multi.count = 1;
	info.tracing_multi.btf_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len) ? -errno : 0, -ENOSPC);

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	CHECK(f, "%s", path);
	while (fgets(line, sizeof(line), f)) {
		printf("fdinfo: %s", line);
		for (i = 0; i < 3; i++)
			lines += !!strstr(line, t[i].func);
	}
	fclose(f);
	CHECK_EQ(lines, 3);
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

/* BPF_LINK_DETACH unlinks the targets; the fd stays valid. Pinned links outlive the fd. */
static int detach_and_pin(void)
{
	static const struct target t[] = { { "bpf_fentry_test1" }, { "tmulti_test_int", true } };
	const char *pin = "/sys/fs/bpf/tracing_multi_pin";
	struct tracing_multi *skel;
	struct multi_attach m;
	int fd, refs;

	CHECK_EQ(setup(), 0);
	refs = module_refcnt();
	fd = load_and_link("fentry_noargs", BPF_TRACE_FENTRY_MULTI, t, 2, &skel, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(bpf_obj_pin(fd, pin), 0);
	close(fd);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_noargs), 0);
	CHECK_EQ(skel->bss->hits[0], 1);

	fd = bpf_obj_get(pin);
	CHECK(fd >= 0, "bpf_obj_get: %d", -errno);
	CHECK_EQ(unlink(pin), 0);
	CHECK_EQ(bpf_link_detach(fd), 0);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	CHECK_EQ(module_refcnt(), refs);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_noargs), 0);
	CHECK_EQ(skel->bss->hits[0], 1);
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

/* Run the XDP program of @skel once: its subprogram gets @arg, returns the result. */
static long run_xdp_target(struct tracing_multi *skel, int arg)
{
	char pkt[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = 1);

	skel->bss->subprog_arg = arg;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_target), &opts))
		return -errno;
	return skel->bss->subprog_result;
}

static int subprog_btf_id(struct tracing_multi *skel)
{
	return btf__find_by_name_kind(bpf_object__btf(skel->obj), "subprog_target",
				      BTF_KIND_FUNC);
}

/* A vmlinux function, a module function and a BPF program's subprogram in one link. */
static int program_target_mixed(void)
{
	static const struct target t[] = { { "bpf_fentry_test1" }, { "tmulti_test_int", true } };
	struct tracing_multi *skel, *target;
	struct multi_attach m;
	int fd;

	CHECK_EQ(setup(), 0);
	target = load_one("xdp_target", 0);
	skel = load_one("fentry_arg0", BPF_TRACE_FENTRY_MULTI);
	CHECK(target && skel, "load");
	CHECK_EQ(run_xdp_target(target, 5), 6);

	CHECK_EQ(fill_targets(&m, t, 2), 0);
	m.ids[2] = subprog_btf_id(target);
	CHECK(m.ids[2] > 0, "no subprog_target in the program's BTF");
	m.fds[2] = bpf_program__fd(target->progs.xdp_target);
	m.cookies[2] = 2;
	m.cnt = 3;
	fd = link_targets(skel->progs.fentry_arg0, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);

	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_arg0), 0);
	CHECK_EQ(testmod_trigger(77), 0);
	CHECK_EQ(run_xdp_target(target, 9), 10);
	CHECK_EQ(check_slots(skel, t, 2, 1), 0);
	CHECK_EQ(skel->bss->hits[2], 1);
	CHECK_EQ(skel->bss->arg0[1], 77);
	CHECK_EQ(skel->bss->arg0[2], 9);
	CHECK(skel->bss->ips[2] != 0, "bpf_get_func_ip() is 0 for the program target");
	close(fd);
	CHECK_EQ(run_xdp_target(target, 9), 10);
	CHECK_EQ(skel->bss->hits[2], 1);
	tracing_multi__destroy(skel);
	tracing_multi__destroy(target);
	return 0;
}

/* Sleepable fentry multi: on functions that may sleep; others are refused. */
static int sleepable(void)
{
	static const struct target ok[] = {
		{ "bpf_fentry_test1" }, { "tmulti_test_int", true },
		{ "tmulti_test_sleepable", true },
	};
	static const struct target bad[] = { { "bpf_fentry_test1" }, { "bpf_fentry_test2" } };
	struct tracing_multi *skel;
	struct bpf_program *prog;
	struct multi_attach m;
	int fd;

	CHECK_EQ(setup(), 0);
	skel = tracing_multi__open();
	CHECK(skel, "open");
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == skel->progs.fentry_arg0);
	bpf_program__set_expected_attach_type(skel->progs.fentry_arg0, BPF_TRACE_FENTRY_MULTI);
	bpf_program__set_flags(skel->progs.fentry_arg0, BPF_F_SLEEPABLE);
	CHECK_EQ(tracing_multi__load(skel), 0);

	CHECK_EQ(fill_targets(&m, bad, 2), 0);
	CHECK_EQ(link_targets(skel->progs.fentry_arg0, &m), -EINVAL);
	CHECK(strstr(m.log, "target 1"), "log does not name target 1: %s", m.log);
	printf("log: %s", m.log);

	CHECK_EQ(fill_targets(&m, ok, 3), 0);
	fd = link_targets(skel->progs.fentry_arg0, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_arg0), 0);
	CHECK_EQ(testmod_trigger(4), 0);
	CHECK_EQ(check_slots(skel, ok, 3, 1), 0);
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

/*
 * Freplace multi-attach (in 6.12 since "bpf: Support attaching freplace programs to
 * multiple attach points"): one extension program, two target programs, one link each.
 */
static int freplace_multi(void)
{
	struct tracing_multi *t1, *t2, *ext;
	struct bpf_link *l1, *l2;
	struct bpf_program *prog;

	t1 = load_one("xdp_target", 0);
	t2 = load_one("xdp_target", 0);
	CHECK(t1 && t2, "load targets");
	ext = tracing_multi__open();
	CHECK(ext, "open");
	bpf_object__for_each_program(prog, ext->obj)
		bpf_program__set_autoload(prog, prog == ext->progs.new_subprog);
	CHECK_EQ(bpf_program__set_attach_target(ext->progs.new_subprog,
		 bpf_program__fd(t1->progs.xdp_target), "subprog_target"), 0);
	CHECK_EQ(tracing_multi__load(ext), 0);

	l1 = bpf_program__attach_freplace(ext->progs.new_subprog,
					  bpf_program__fd(t1->progs.xdp_target), "subprog_target");
	CHECK(l1, "freplace on target 1: %d", -errno);
	l2 = bpf_program__attach_freplace(ext->progs.new_subprog,
					  bpf_program__fd(t2->progs.xdp_target), "subprog_target");
	CHECK(l2, "freplace on target 2: %d", -errno);
	CHECK_EQ(run_xdp_target(t1, 3), 103);
	CHECK_EQ(run_xdp_target(t2, 4), 104);

	bpf_link__destroy(l1);
	CHECK_EQ(run_xdp_target(t1, 3), 4);
	CHECK_EQ(run_xdp_target(t2, 4), 104);
	bpf_link__destroy(l2);
	CHECK_EQ(run_xdp_target(t2, 4), 5);
	tracing_multi__destroy(ext);
	tracing_multi__destroy(t2);
	tracing_multi__destroy(t1);
	return 0;
}

/*
 * fexit multi through BPF_PROG_TEST_RUN, which calls bpf_fentry_test1..9: arg0 and the
 * return value of six targets with six different prototypes, through the helpers. A
 * program that reads the typed return value only takes targets that store it at the
 * same ctx offset.
 */
static int fexit_test_run(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
		{ "bpf_fentry_test4" }, { "bpf_fentry_test5" }, { "bpf_fentry_test6" },
	};
	static const struct target typed[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" },	/* (int a, u64 b) */
	};
	static const struct target typed_ok[] = {
		{ "bpf_fentry_test1" }, { "tmulti_test_int", true },
	};
	/* what test_run passes and the functions return (net/bpf/test_run.c) */
	static const int args[] = { 1, 2, 4, 7, 11, 16 };
	static const int rets[] = { 2, 5, 15, 34, 65, 111 };
	struct tracing_multi *skel;
	struct multi_attach m;
	int fd, i;

	CHECK_EQ(setup(), 0);
	fd = load_and_link("fexit_helpers", BPF_TRACE_FEXIT_MULTI, t, 6, &skel, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fexit_helpers), 0);
	CHECK_EQ(check_slots(skel, t, 6, 1), 0);
	for (i = 0; i < 6; i++) {
		CHECK((int)skel->bss->arg0[i] == args[i] && (int)skel->bss->rets[i] == rets[i],
		      "%s: arg0 %lld ret %lld, expected %d and %d", t[i].func,
		      (long long)skel->bss->arg0[i], (long long)skel->bss->rets[i],
		      args[i], rets[i]);
	}
	close(fd);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fexit_helpers), 0);
	CHECK_EQ(skel->bss->hits[5], 1);
	tracing_multi__destroy(skel);

	/* fexit_int reads ret after one int: bpf_fentry_test2 stores it after two args */
	CHECK_EQ(load_and_link("fexit_int", BPF_TRACE_FEXIT_MULTI, typed, 2, &skel, &m),
		 -EINVAL);
	CHECK(strstr(m.log, "target 1 ") && strstr(m.log, "return value"),
	      "log does not name target 1 and the return value: %s", m.log);
	printf("log: %s", m.log);
	CHECK_EQ(fill_targets(&m, typed_ok, 2), 0);
	fd = link_targets(skel->progs.fexit_int, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fexit_int), 0);
	CHECK_EQ(testmod_trigger(8), 0);
	CHECK_EQ(check_slots(skel, typed_ok, 2, 1), 0);
	CHECK_EQ(skel->bss->arg0[0], 1);
	CHECK_EQ(skel->bss->rets[0], 2);
	CHECK_EQ(skel->bss->arg0[1], 8);
	CHECK_EQ(skel->bss->rets[1], 9);
	close(fd);
	tracing_multi__destroy(skel);
	return 0;
}

/*
 * BPF_PROG_TEST_RUN of an fmod_ret program calls bpf_modify_return_test(1, &b) and
 * bpf_modify_return_test2(1, &b, 3, 4, 5, 6, 7) with b = 2; each increments b and returns
 * the sum of its arguments. retval is the number of them whose body ran (b incremented)
 * << 16 | the sum of what they returned.
 */
#define MODIFY_RETURN_TEST	4	/* 1 + 3 */
#define MODIFY_RETURN_TEST2	29	/* 1 + 3 + 3 + 4 + 5 + 6 + 7 */
#define MODIFY_RETURN_BOTH_RAN	(2 << 16 | (MODIFY_RETURN_TEST + MODIFY_RETURN_TEST2))

/* fmod_ret multi on both: each target's return value replaced, or not, by its cookie's. */
static int fmod_ret_test_run(void)
{
	static const struct target t[] = {
		{ "bpf_modify_return_test" }, { "bpf_modify_return_test2" },
	};
	static const struct {
		int retvals[2];		/* what the program returns per target; 0: run it */
		int ran, sum;
	} runs[] = {
		{ { 0, 0 }, 2, MODIFY_RETURN_TEST + MODIFY_RETURN_TEST2 },
		{ { 500, 0 }, 1, 500 + MODIFY_RETURN_TEST2 },
		{ { 0, 700 }, 1, MODIFY_RETURN_TEST + 700 },
		{ { 500, 700 }, 0, 1200 },
	};
	struct tracing_multi *skel;
	struct bpf_program *p;
	struct multi_attach m;
	int fd, i, retval;

	CHECK_EQ(setup(), 0);
	skel = load_one("fmod_test_run", BPF_MODIFY_RETURN_MULTI);
	CHECK(skel, "load");
	p = skel->progs.fmod_test_run;
	skel->bss->fmod_retvals[0] = 500;
	skel->bss->fmod_retvals[1] = 700;
	/* not linked: both functions run */
	CHECK_EQ(trigger_fentry_test_funcs(p), MODIFY_RETURN_BOTH_RAN);
	CHECK_EQ(skel->bss->hits[0], 0);

	CHECK_EQ(fill_targets(&m, t, 2), 0);
	fd = link_targets(p, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	for (i = 0; i < 4; i++) {
		skel->bss->fmod_retvals[0] = runs[i].retvals[0];
		skel->bss->fmod_retvals[1] = runs[i].retvals[1];
		retval = trigger_fentry_test_funcs(p);
		CHECK(retval == (runs[i].ran << 16 | runs[i].sum),
		      "run %d: retval %#x, expected %#x", i, retval,
		      runs[i].ran << 16 | runs[i].sum);
	}
	/* four runs, each target's program saw a = 1 */
	CHECK_EQ(check_slots(skel, t, 2, 4), 0);
	CHECK_EQ(skel->bss->arg0[0], 1);
	CHECK_EQ(skel->bss->arg0[1], 1);

	close(fd);
	CHECK_EQ(trigger_fentry_test_funcs(p), MODIFY_RETURN_BOTH_RAN);
	CHECK_EQ(skel->bss->hits[0], 4);
	tracing_multi__destroy(skel);
	return 0;
}

/* An integer from the environment, or @def; exits the test on a bad value. */
static int env_int(const char *name, int def, int min, int max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	v = strtol(s, &end, 10);
	if (*end || v < min || v > max) {
		fprintf(stderr, "%s=%s: expected %d..%d\n", name, s, min, max);
		exit(2);
	}
	return v;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Load an freplace program for the subprogram of @target and attach it there. */
static struct bpf_link *freplace_subprog(struct tracing_multi *target,
					 struct tracing_multi **ext)
{
	struct bpf_program *prog;
	int tgt_fd = bpf_program__fd(target->progs.xdp_target);

	*ext = tracing_multi__open();
	if (!*ext)
		return NULL;
	bpf_object__for_each_program(prog, (*ext)->obj)
		bpf_program__set_autoload(prog, prog == (*ext)->progs.new_subprog);
	if (bpf_program__set_attach_target((*ext)->progs.new_subprog, tgt_fd, "subprog_target") ||
	    tracing_multi__load(*ext))
		return NULL;
	return bpf_program__attach_freplace((*ext)->progs.new_subprog, tgt_fd,
					    "subprog_target");
}

/*
 * Rollback at scale: a link of N targets whose target 7N/10 fails. N is
 * TMULTI_ROLLBACK_TARGETS, by default the 1000 of the issue. Targets 0-2 are
 * bpf_fentry_test1-3, the others functions of cold subsystems. The bad target fails:
 * - rollback_scale_checks: the per-target checks (a btf_id_deny function), before
 *   anything is linked: the trampolines of the targets before it were taken, and must
 *   be put again;
 * - rollback_scale_link: the linking itself (-EBUSY: a BPF subprogram replaced by an
 *   freplace program), after the targets before it were linked into their trampolines
 *   (images built, their one ftrace update not run yet), which must be unlinked again.
 * Either way: the errno of the failure, the log naming the target, no link, nothing in
 * enabled_functions, and the program links fine after.
 */
static int rollback_scale(bool fail_to_link)
{
	static const struct target good[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
	};
	int n = env_int("TMULTI_ROLLBACK_TARGETS", 1000, 4, 1 << 20), bad = n * 7 / 10;
	struct tracing_multi *skel, *xdp = NULL, *ext = NULL;
	struct bpf_link *freplace = NULL;
	struct multi_attach m;
	__u32 *ids, *fds, id;
	char *log, expect[64];
	long long start;
	int fd, prog_fd;

	CHECK_EQ(setup(), 0);
	ids = calloc(n, sizeof(*ids));
	fds = calloc(n, sizeof(*fds));
	log = malloc(65536);
	CHECK(ids && fds && log, "calloc");
	CHECK_EQ(fill_targets(&m, good, 3), 0);
	memcpy(ids, m.ids, 3 * sizeof(*ids));
	CHECK_EQ(cold_functions(vmlinux_btf, ids + 3, n - 3), n - 3);
	skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	prog_fd = bpf_program__fd(skel->progs.fentry_noargs);
	id = prog_id(prog_fd);

	if (fail_to_link) {
		xdp = load_one("xdp_target", 0);
		CHECK(xdp, "load xdp_target");
		freplace = freplace_subprog(xdp, &ext);
		CHECK(freplace, "freplace: %d", -errno);
		ids[bad] = subprog_btf_id(xdp);
		fds[bad] = bpf_program__fd(xdp->progs.xdp_target);
	} else {
		ids[bad] = btf__find_by_name_kind(vmlinux_btf, "migrate_disable", BTF_KIND_FUNC);
	}
	start = now_ms();
	fd = link_multi_fd(prog_fd, BPF_TRACE_FENTRY_MULTI, n, ids, fds, NULL, log, 65536);
	printf("%d targets, target %d fails to %s: %d after %lld ms\n", n, bad,
	       fail_to_link ? "link" : "pass the checks", fd, now_ms() - start);
	printf("log: %s\n", log);
	CHECK_EQ(fd, fail_to_link ? -EBUSY : -EINVAL);
	snprintf(expect, sizeof(expect), "target %d (btf_id %u): ", bad, ids[bad]);
	CHECK(strstr(log, expect), "log does not name target %d", bad);
	CHECK_EQ(count_links(id), 0);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	if (fail_to_link) {
		CHECK_EQ(run_xdp_target(xdp, 1), 101);		/* the freplace still runs */
		bpf_link__destroy(freplace);
		tracing_multi__destroy(ext);
		tracing_multi__destroy(xdp);
	}

	/* The program is as good as new: linked to the first targets, it runs. */
	fd = link_targets(skel->progs.fentry_noargs, &m);
	CHECK(fd >= 0, "link after the failure: %d %s", fd, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.fentry_noargs), 0);
	CHECK_EQ(check_slots(skel, good, 3, 1), 0);
	close(fd);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	tracing_multi__destroy(skel);
	free(log);
	free(fds);
	free(ids);
	return 0;
}

static int rollback_scale_checks(void)
{
	return rollback_scale(false);
}

static int rollback_scale_link(void)
{
	return rollback_scale(true);
}

/*
 * Stress: while two threads call six functions without pause (three of vmlinux through
 * BPF_PROG_TEST_RUN, three of the test module through its trigger), four threads create
 * and release fentry and fexit multi links on random overlapping subsets of them, and
 * one thread attaches and detaches single fentry links on the same functions. Every
 * link must be created, and must count the calls its thread makes while it lives. After
 * each phase, with everything quiet: nothing left, and a fixed set of multi and single
 * links counts every call exactly, at the right address, and nothing once released.
 * TMULTI_STRESS_SECS (default 24) of stress in all, over three phases (plus the round each
 * thread is in when its phase ends, and the quiet checks).
 *
 * All the programs are copies of fentry_noargs (loaded from its instructions as single
 * fentry, fentry multi or fexit multi): they share its hits[] and ips[], where each link
 * target counts in the slot its cookie names.
 */
#define STRESS_FUNCS	6
#define STRESS_LINKERS	4
#define STRESS_PHASES	3
#define STRESS_CALLS	5	/* per function, in the quiet check */
#define STRESS_MIN_ROUNDS	1	/* per thread and phase */
/* slots: linker i uses i * STRESS_FUNCS + function, then the single links, then the check */
#define SINGLE_SLOT	(STRESS_LINKERS * STRESS_FUNCS)
#define CHECK_SLOT	(SINGLE_SLOT + STRESS_FUNCS)
#define CHECK_MULTI	4
#define CHECK_SINGLE_SLOT	(CHECK_SLOT + CHECK_MULTI * STRESS_FUNCS)
_Static_assert(CHECK_SINGLE_SLOT + STRESS_FUNCS <= SLOTS, "not enough slots");

/* Sets of them are bit masks: bit f for stress_funcs[f]. */
static const struct target stress_funcs[STRESS_FUNCS] = {
	{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
	{ "tmulti_test_int", true }, { "tmulti_test_long", true },
	{ "tmulti_test_sleepable", true },
};
#define STRESS_VMLINUX	0x07
#define STRESS_MODULE	0x38
#define STRESS_ALL	(STRESS_VMLINUX | STRESS_MODULE)

struct stress {
	struct tracing_multi *skel;	/* fentry_noargs, the original of the copies */
	__u32 ids[STRESS_FUNCS], fds[STRESS_FUNCS];
	unsigned long long addrs[STRESS_FUNCS];
	int stop, failed;		/* atomic */
	int multi_links, single_links, vmlinux_calls, module_calls;	/* atomic */
};

struct stress_thread {
	struct stress *s;
	int id;
	unsigned int seed;	/* of its random choices */
	int iters;		/* atomic: rounds done */
	pthread_t thread;
	int (*fn)(struct stress_thread *th);
};

static bool stress_stopped(struct stress *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_RELAXED);
}

static void stress_count(int *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static int stress_read(int *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* A copy of fentry_noargs as a @type program, verified against stress function @f. */
static int stress_prog(struct stress *s, enum bpf_attach_type type, int f)
{
	struct bpf_program *orig = s->skel->progs.fentry_noargs;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type,
		    .attach_btf_id = s->ids[f], .attach_btf_obj_fd = s->fds[f]);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "stress", "GPL", bpf_program__insns(orig),
			   bpf_program__insn_cnt(orig), &opts);
	return fd < 0 ? -errno : fd;
}

/* Call the stress functions of @mask once: the vmlinux ones, then the module ones. */
static int stress_call(struct stress *s, unsigned int mask)
{
	if (mask & STRESS_VMLINUX) {
		CHECK_EQ(trigger_fentry_test_funcs(s->skel->progs.fentry_noargs), 0);
		stress_count(&s->vmlinux_calls);
	}
	if (mask & STRESS_MODULE) {
		CHECK_EQ(testmod_trigger(mask), 0);
		stress_count(&s->module_calls);
	}
	return 0;
}

static __u64 hits(struct stress *s, int slot)
{
	return __atomic_load_n(&s->skel->bss->hits[slot], __ATOMIC_RELAXED);
}

/*
 * Multi link the functions of @mask (slot @slot + function), type @type; returns the
 * link fd, or -errno with the kernel's log printed. *@prog_fd is for the caller to close.
 */
static int stress_link(struct stress *s, enum bpf_attach_type type, unsigned int mask,
		       int slot, int *prog_fd)
{
	__u32 ids[STRESS_FUNCS], fds[STRESS_FUNCS], cnt = 0;
	__u64 cookies[STRESS_FUNCS];
	char log[1024];
	int f, fd;

	*prog_fd = stress_prog(s, type, 0);
	if (*prog_fd < 0) {
		fprintf(stderr, "load: %d\n", *prog_fd);
		return *prog_fd;
	}
	for (f = 0; f < STRESS_FUNCS; f++) {
		if (!(mask & 1 << f))
			continue;
		ids[cnt] = s->ids[f];
		fds[cnt] = s->fds[f];
		cookies[cnt++] = slot + f;
	}
	fd = link_multi_fd(*prog_fd, type, cnt, ids, fds, cookies, log, sizeof(log));
	if (fd < 0)
		fprintf(stderr, "link %#x: %d %s\n", mask, fd, log);
	return fd;
}

/* Multi links on random subsets, fentry and fexit in turn, released by close or detach. */
static int stress_linker(struct stress_thread *th)
{
	struct stress *s = th->s;
	int slot = th->id * STRESS_FUNCS, iter, fd, prog_fd, f;
	unsigned int mask;
	enum bpf_attach_type type;
	__u64 before[STRESS_FUNCS];

	for (iter = 0; !stress_stopped(s); iter++) {
		mask = 1 + rand_r(&th->seed) % STRESS_ALL;
		type = (iter + th->id) % 2 ? BPF_TRACE_FEXIT_MULTI : BPF_TRACE_FENTRY_MULTI;
		for (f = 0; f < STRESS_FUNCS; f++)
			before[f] = hits(s, slot + f);
		fd = stress_link(s, type, mask, slot, &prog_fd);
		CHECK(fd >= 0, "linker %d, iteration %d", th->id, iter);
		stress_count(&s->multi_links);
		CHECK_EQ(stress_call(s, mask), 0);
		for (f = 0; f < STRESS_FUNCS; f++)
			CHECK(!(mask & 1 << f) || hits(s, slot + f) > before[f],
			      "linker %d: link %#x missed a call of %s", th->id, mask,
			      stress_funcs[f].func);
		if (iter % 4 == 3)
			CHECK_EQ(bpf_link_detach(fd), 0);
		close(fd);
		close(prog_fd);
		stress_count(&th->iters);
	}
	return 0;
}

/* Single fentry links on the stress functions, attached and detached at random. */
static int stress_singles(struct stress_thread *th)
{
	struct stress *s = th->s;
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int progs[STRESS_FUNCS], links[STRESS_FUNCS], f, err = 0;
	__u64 before;

	for (f = 0; f < STRESS_FUNCS; f++) {
		progs[f] = stress_prog(s, BPF_TRACE_FENTRY, f);
		links[f] = -1;
		CHECK(progs[f] >= 0, "load single %s: %d", stress_funcs[f].func, progs[f]);
	}
	while (!stress_stopped(s) && !err) {
		f = rand_r(&th->seed) % STRESS_FUNCS;
		if (links[f] >= 0) {
			close(links[f]);
			links[f] = -1;
			continue;
		}
		opts.tracing.cookie = SINGLE_SLOT + f;
		before = hits(s, SINGLE_SLOT + f);
		links[f] = bpf_link_create(progs[f], 0, BPF_TRACE_FENTRY, &opts);
		if (links[f] < 0) {
			fprintf(stderr, "single link %s: %d\n", stress_funcs[f].func, -errno);
			err = 1;
			break;
		}
		stress_count(&s->single_links);
		err = stress_call(s, 1 << f);
		if (!err && hits(s, SINGLE_SLOT + f) == before) {
			fprintf(stderr, "single link %s missed a call\n", stress_funcs[f].func);
			err = 1;
		}
		stress_count(&th->iters);
	}
	for (f = 0; f < STRESS_FUNCS; f++) {
		if (links[f] >= 0)
			close(links[f]);
		close(progs[f]);
	}
	return err;
}

/*
 * Call all the functions, without pause: the vmlinux ones (id 0) or the module ones.
 * At a lower priority, not to starve the other threads: the guest's CPUs are emulated
 * by one host thread.
 */
static int stress_caller(struct stress_thread *th)
{
	CHECK_EQ(setpriority(PRIO_PROCESS, syscall(SYS_gettid), 10), 0);
	while (!stress_stopped(th->s)) {
		CHECK_EQ(stress_call(th->s, th->id ? STRESS_MODULE : STRESS_VMLINUX), 0);
		stress_count(&th->iters);
	}
	return 0;
}

static void *stress_thread_main(void *arg)
{
	struct stress_thread *th = arg;

	if (th->fn(th)) {
		__atomic_store_n(&th->s->failed, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&th->s->stop, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* True once every thread did @min rounds. */
static bool stress_all_did(struct stress_thread *th, int n, int min)
{
	int i;

	for (i = 0; i < n; i++)
		if (stress_read(&th[i].iters) < min)
			return false;
	return true;
}

/*
 * One phase: every thread runs until @end (now_ms()), and until each did a round (on a
 * loaded host, the guest may get little done in its seconds); or until one fails.
 */
static int stress_phase(struct stress *s, int phase, long long end)
{
	struct stress_thread th[STRESS_LINKERS + 3];
	int i, n = 0;

	for (i = 0; i < STRESS_LINKERS; i++)
		th[n++] = (struct stress_thread){ .s = s, .id = i, .fn = stress_linker };
	th[n++] = (struct stress_thread){ .s = s, .fn = stress_singles };
	th[n++] = (struct stress_thread){ .s = s, .id = 0, .fn = stress_caller };
	th[n++] = (struct stress_thread){ .s = s, .id = 1, .fn = stress_caller };
	s->stop = 0;
	for (i = 0; i < n; i++)
		th[i].seed = phase * 100 + i;	/* other choices in each phase */
	for (i = 0; i < n; i++)
		CHECK_EQ(pthread_create(&th[i].thread, NULL, stress_thread_main, &th[i]), 0);
	while ((now_ms() < end || !stress_all_did(th, n, STRESS_MIN_ROUNDS)) &&
	       !stress_stopped(s))
		usleep(100000);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		pthread_join(th[i].thread, NULL);
	CHECK(!s->failed, "a thread failed (above)");
	return 0;
}

/*
 * Quiet: nothing left of the phase; then CHECK_MULTI multi links (fentry and fexit, four
 * functions each, overlapping) and single links on every other function each count
 * exactly STRESS_CALLS calls per function, and no more once released.
 */
static int stress_check_quiet(struct stress *s)
{
	int progs[CHECK_MULTI + STRESS_FUNCS], links[CHECK_MULTI + STRESS_FUNCS];
	int i, f, n = 0, slot;
	unsigned int mask;

	CHECK_EQ(ftrace_enabled(NULL), 0);
	CHECK_EQ(count_links(0), 0);
	CHECK_EQ(s->skel->bss->bad_cookie, 0);
	memset(&s->skel->bss->hits[CHECK_SLOT], 0, (SLOTS - CHECK_SLOT) * sizeof(__u64));
	memset(&s->skel->bss->ips[CHECK_SLOT], 0, (SLOTS - CHECK_SLOT) * sizeof(__u64));

	for (i = 0; i < CHECK_MULTI; i++, n++) {
		/* functions i .. i + 3, wrapping around */
		mask = (0xf << i | 0xf >> (STRESS_FUNCS - i)) & STRESS_ALL;
		links[n] = stress_link(s, i % 2 ? BPF_TRACE_FEXIT_MULTI : BPF_TRACE_FENTRY_MULTI,
				       mask, CHECK_SLOT + i * STRESS_FUNCS, &progs[n]);
		CHECK(links[n] >= 0, "check link %d", i);
	}
	for (f = 0; f < STRESS_FUNCS; f += 2, n++) {
		LIBBPF_OPTS(bpf_link_create_opts, opts, .tracing.cookie = CHECK_SINGLE_SLOT + f);
		progs[n] = stress_prog(s, BPF_TRACE_FENTRY, f);
		CHECK(progs[n] >= 0, "load single %s: %d", stress_funcs[f].func, progs[n]);
		links[n] = bpf_link_create(progs[n], 0, BPF_TRACE_FENTRY, &opts);
		CHECK(links[n] >= 0, "single link %s: %d", stress_funcs[f].func, -errno);
	}
	for (i = 0; i < STRESS_CALLS; i++)
		CHECK_EQ(stress_call(s, STRESS_ALL), 0);

	for (slot = CHECK_SLOT; slot < CHECK_SINGLE_SLOT + STRESS_FUNCS; slot++) {
		f = (slot - CHECK_SLOT) % STRESS_FUNCS;
		i = (slot - CHECK_SLOT) / STRESS_FUNCS;	/* CHECK_MULTI: the singles */
		if (i < CHECK_MULTI ? (f - i + STRESS_FUNCS) % STRESS_FUNCS >= 4 : f % 2)
			continue;				/* not linked */
		CHECK(s->skel->bss->hits[slot] == STRESS_CALLS &&
		      s->skel->bss->ips[slot] == s->addrs[f],
		      "%s link %d, %s: %llu calls at %llx, expected %d at %llx",
		      i < CHECK_MULTI ? "multi" : "single", i, stress_funcs[f].func,
		      s->skel->bss->hits[slot], s->skel->bss->ips[slot], STRESS_CALLS,
		      s->addrs[f]);
	}

	for (i = 0; i < n; i++) {
		close(links[i]);
		close(progs[i]);
	}
	memset(&s->skel->bss->hits[CHECK_SLOT], 0, (SLOTS - CHECK_SLOT) * sizeof(__u64));
	CHECK_EQ(stress_call(s, STRESS_ALL), 0);
	for (slot = CHECK_SLOT; slot < SLOTS; slot++)
		CHECK(s->skel->bss->hits[slot] == 0, "slot %d: %llu calls after release", slot,
		      s->skel->bss->hits[slot]);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	CHECK_EQ(s->skel->bss->bad_cookie, 0);
	return 0;
}

static int stress(void)
{
	int secs = env_int("TMULTI_STRESS_SECS", 24, STRESS_PHASES, 3600);
	struct stress s = {};
	struct multi_attach m;
	int phase, f, links, singles, calls;
	long long start, begin;

	CHECK_EQ(setup(), 0);
	s.skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(s.skel, "load");
	CHECK_EQ(fill_targets(&m, stress_funcs, STRESS_FUNCS), 0);
	for (f = 0; f < STRESS_FUNCS; f++) {
		s.ids[f] = m.ids[f];
		s.fds[f] = m.fds[f];
		s.addrs[f] = kallsyms_addr(stress_funcs[f].func);
		CHECK(s.addrs[f], "%s not in kallsyms", stress_funcs[f].func);
	}
	/* Phases end at fixed times, so that a late phase (a slow kernel) shortens the next. */
	begin = now_ms();
	for (phase = 1; phase <= STRESS_PHASES; phase++) {
		links = s.multi_links;
		singles = s.single_links;
		calls = s.vmlinux_calls + s.module_calls;
		start = now_ms();
		CHECK_EQ(stress_phase(&s, phase, begin + phase * secs * 1000LL / STRESS_PHASES), 0);
		printf("phase %d: %d multi links, %d single links, %d calls in %lld ms; ",
		       phase, s.multi_links - links, s.single_links - singles,
		       s.vmlinux_calls + s.module_calls - calls, now_ms() - start);
		fflush(stdout);
		start = now_ms();
		CHECK_EQ(stress_check_quiet(&s), 0);
		printf("quiet check %lld ms\n", now_ms() - start);
	}
	tracing_multi__destroy(s.skel);
	return 0;
}

static const struct test tests[] = {
	{ "fentry_vmlinux", fentry_vmlinux },
	{ "fentry_mixed", fentry_mixed },
	{ "fexit_module", fexit_module },
	{ "fmod_ret_module", fmod_ret_module },
	{ "errors", errors },
	{ "prototype_mismatch", prototype_mismatch },
	{ "rollback", rollback },
	{ "noreturn_denied", noreturn_denied },
	{ "coexist_single", coexist_single },
	{ "link_info", link_info },
	{ "detach_and_pin", detach_and_pin },
	{ "program_target_mixed", program_target_mixed },
	{ "sleepable", sleepable },
	{ "freplace_multi", freplace_multi },
	{ "fexit_test_run", fexit_test_run },
	{ "fmod_ret_test_run", fmod_ret_test_run },
	{ "rollback_scale_checks", rollback_scale_checks },
	{ "rollback_scale_link", rollback_scale_link },
	{ "stress", stress },
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
