// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the tracing multi-link, through the raw BPF_LINK_CREATE syscall:
 * targets in vmlinux, the test module and mixed, arguments, return values, fmod_ret,
 * cookies and function addresses per target, link info and fdinfo, every errno of the
 * ABI (docs/uapi.md), rollback (also of 1000 targets), co-existence with single fentry
 * links, detach, BPF_PROG_TEST_RUN of the multi types, and a stress test.
 */
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
static int module_btf_fd = -1, vmlinux_btf_fd = -1;

static int setup(void)
{
	CHECK_EQ(testmod_load(), 0);
	vmlinux_btf = btf__load_vmlinux_btf();
	CHECK(vmlinux_btf, "vmlinux BTF: %d", -errno);
	module_btf = btf__load_module_btf(TESTMOD_NAME, vmlinux_btf);
	CHECK(module_btf, "module BTF: %d", -errno);
	module_btf_fd = btf_fd_by_name(TESTMOD_NAME);
	CHECK(module_btf_fd >= 0, "module BTF fd: %d", module_btf_fd);
	vmlinux_btf_fd = btf_fd_by_name("vmlinux");
	CHECK(vmlinux_btf_fd >= 0, "vmlinux BTF fd: %d", vmlinux_btf_fd);
	return 0;
}

static int func_id(const struct target *t)
{
	return btf__find_by_name_kind(t->module ? module_btf : vmlinux_btf, t->func,
				      BTF_KIND_FUNC);
}

/*
 * Fill @m with @n targets, target i getting cookie (slot) i. A vmlinux target's fd is 0:
 * the program's attach BTF, vmlinux for a program loaded against a vmlinux function.
 */
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

/* Give the vmlinux targets of @m the vmlinux BTF fd: for programs with a module's BTF */
static void vmlinux_fds(struct multi_attach *m, const struct target *t)
{
	__u32 i;

	for (i = 0; i < m->cnt; i++)
		if (!t[i].module)
			m->fds[i] = vmlinux_btf_fd;
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

	/* Works, then the same targets again while that link lives: EBUSY. */
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	fd = link_targets(p, &m);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(link_targets(p, &m), -EBUSY);
	CHECK_EQ(count_links(prog_id(bpf_program__fd(p))), 1);
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
	/* fexit_int is loaded against a module function: do_exit by the vmlinux BTF fd */
	skel = load_one("fexit_int", BPF_TRACE_FEXIT_MULTI);
	CHECK(skel, "load");
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	vmlinux_fds(&m, t);
	CHECK_EQ(link_targets(skel->progs.fexit_int, &m), -EINVAL);
	printf("log: %s", m.log);
	CHECK(strstr(m.log, "target 1 (") && strstr(m.log, "__noreturn"),
	      "log does not refuse target 1 as __noreturn: %s", m.log);
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

/*
 * bpf_link_info: count and the program's attach BTF object first, then the arrays in the
 * order of the targets; fdinfo lists every target.
 */
static int link_info(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "tmulti_test_int", true }, { "bpf_fentry_test2" },
	};
	__u32 ids[3], obj_ids[3], prog_ids[3], len, attach_obj_id = 0, attach_btf_id = 0;
	struct bpf_btf_info binfo = {};
	struct bpf_link_info info;
	struct tracing_multi *skel;
	__u64 cookies[3], addrs[3];
	struct multi_attach m;
	char path[64], line[256];
	int fd, i, vmlinux_id, module_id, lines = 0, header = 0, attach_type = -1, cnt = -1;
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
	/* the program's attach BTF: vmlinux here */
	CHECK_EQ(prog_attach_btf_ids(bpf_program__fd(skel->progs.fentry_arg0), &attach_obj_id,
				     &attach_btf_id), 0);
	CHECK_EQ(attach_obj_id, vmlinux_id);
	CHECK_EQ(info.tracing_multi.btf_obj_id, attach_obj_id);

	memset(&info, 0, sizeof(info));
	info.tracing_multi.count = 3;
	info.tracing_multi.ids = (__u64)(unsigned long)ids;
	info.tracing_multi.btf_obj_ids = (__u64)(unsigned long)obj_ids;
	info.tracing_multi.tgt_prog_ids = (__u64)(unsigned long)prog_ids;
	info.tracing_multi.cookies = (__u64)(unsigned long)cookies;
	info.tracing_multi.addrs = (__u64)(unsigned long)addrs;
	len = sizeof(info);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len), 0);
	CHECK_EQ(info.tracing_multi.count, 3);
	CHECK_EQ(info.tracing_multi.btf_obj_id, attach_obj_id);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(ids[i], m.ids[i]);
		CHECK_EQ(obj_ids[i], t[i].module ? module_id : vmlinux_id);
		CHECK_EQ(prog_ids[i], 0);
		CHECK_EQ(cookies[i], 0x100 + i);
		CHECK_EQ(addrs[i], kallsyms_addr(t[i].func));
	}

	/* Too small a count: what fits, and -ENOSPC. */
	memset(&info, 0, sizeof(info));
	memset(ids, 0, sizeof(ids));
	info.tracing_multi.count = 1;
	info.tracing_multi.ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len) ? -errno : 0, -ENOSPC);
	CHECK_EQ(ids[0], m.ids[0]);
	CHECK_EQ(ids[1], 0);

	/*
	 * fdinfo, mainline's format and a last column of ours: attach_type, cnt, a header,
	 * then a row per target in the link's order: obj-id, btf-id, cookie, func (%pS,
	 * " [module]" after a module's), prog-id.
	 */
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	CHECK(f, "%s", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned int obj, btf_id;
		unsigned long long cookie;
		char func[128], *tab;
		size_t n;

		printf("fdinfo: %s", line);
		if (sscanf(line, "attach_type: %d", &attach_type) == 1 ||
		    sscanf(line, "cnt: %d", &cnt) == 1)
			continue;
		if (!strncmp(line, "obj-id\t", 7)) {
			header++;
			CHECK(strstr(line, "btf-id") && strstr(line, "cookie") &&
			      strstr(line, "func") && strstr(line, "prog-id\n"),
			      "header: %s", line);
			continue;
		}
		if (!header || sscanf(line, "%u %u %llu %127s", &obj, &btf_id, &cookie, func) != 4)
			continue;
		CHECK(lines < 3, "more than 3 target rows");
		i = lines++;
		n = strlen(t[i].func);
		CHECK(!strncmp(func, t[i].func, n) && func[n] == '+', "row %d: %s, expected %s",
		      i, func, t[i].func);
		CHECK_EQ(obj, t[i].module ? module_id : vmlinux_id);
		CHECK_EQ(btf_id, m.ids[i]);
		CHECK_EQ(cookie, 0x100 + i);
		CHECK(!t[i].module || strstr(line, " [" TESTMOD_NAME "]"), "row %d: no module", i);
		tab = strrchr(line, '\t');
		CHECK(tab && !strcmp(tab, "\t 0\n"), "row %d: prog-id is not the last column, 0",
		      i);
	}
	fclose(f);
	CHECK_EQ(attach_type, BPF_TRACE_FENTRY_MULTI);
	CHECK_EQ(cnt, 3);
	CHECK_EQ(header, 1);
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

	/*
	 * fexit_int reads ret after one int: bpf_fentry_test2 stores it after two args.
	 * It is loaded against a module function: vmlinux targets by the vmlinux BTF fd.
	 */
	skel = load_one("fexit_int", BPF_TRACE_FEXIT_MULTI);
	CHECK(skel, "load");
	CHECK_EQ(fill_targets(&m, typed, 2), 0);
	vmlinux_fds(&m, typed);
	CHECK_EQ(link_targets(skel->progs.fexit_int, &m), -EINVAL);
	CHECK(strstr(m.log, "target 1 ") && strstr(m.log, "return value") &&
	      !strstr(m.log, "target 0 "),
	      "log does not name target 1 (only) and the return value: %s", m.log);
	printf("log: %s", m.log);
	CHECK_EQ(fill_targets(&m, typed_ok, 2), 0);
	vmlinux_fds(&m, typed_ok);
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

/*
 * Mainline's attach type values, and ours after them (docs/uapi.md): 57, 58 and 61 are
 * mainline's names for what this kernel doesn't have, and refuses.
 */
_Static_assert(BPF_TRACE_UPROBE_SESSION == 57 && BPF_TRACE_FSESSION == 58 &&
	       BPF_TRACE_FENTRY_MULTI == 59 && BPF_TRACE_FEXIT_MULTI == 60 &&
	       BPF_TRACE_FSESSION_MULTI == 61 && BPF_MODIFY_RETURN_MULTI == 62,
	       "attach type values");
/* link_create.tracing_multi: mainline's ids, cookies, cnt, then ours */
_Static_assert(offsetof(union bpf_attr, link_create.tracing_multi.ids) == 16 &&
	       offsetof(union bpf_attr, link_create.tracing_multi.cookies) == 24 &&
	       offsetof(union bpf_attr, link_create.tracing_multi.cnt) == 32 &&
	       offsetof(union bpf_attr, link_create.tracing_multi.fds) == 40 &&
	       offsetof(union bpf_attr, link_create.tracing_multi.log_level) == 60 &&
	       offsetof(union bpf_attr, link_create.tracing_multi.errs) == 64,
	       "link_create.tracing_multi layout");
#define TRACING_MULTI_PAD	36	/* the 4 bytes after cnt */
#define TRACING_MULTI_END	72	/* after errs */
#define UPROBE_MULTI_END	60	/* after uprobe_multi.pid; mainline's path_fd is next */
_Static_assert(offsetof(union bpf_attr, link_create.uprobe_multi.pid) + 4 == UPROBE_MULTI_END,
	       "uprobe_multi layout");

#define LOAD_LOG_SIZE	65536
#define ERRS_UNSET	0x5a5a5a5a	/* what the tests put in errs[] before a call */

/* r0 = 0; exit */
static const struct bpf_insn ret0_insns[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/*
 * Load "return 0" as a @type program of attach type @eatype, load-time target
 * @btf_id (0: none) of BTF object @btf_obj_fd (0: vmlinux). The fd or -errno.
 */
static int load_raw(enum bpf_prog_type type, enum bpf_attach_type eatype, __u32 btf_id,
		    int btf_obj_fd)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = eatype,
		    .attach_btf_id = btf_id, .attach_btf_obj_fd = btf_obj_fd);
	int fd = bpf_prog_load(type, "ret0", "GPL", ret0_insns,
			       sizeof(ret0_insns) / sizeof(ret0_insns[0]), &opts);

	return fd < 0 ? -errno : fd;
}

/*
 * Load the instructions of @prog again (it is loaded: they are relocated, its maps are
 * the skeleton's) as a @type program against @btf_id (0: untyped) of BTF object
 * @btf_obj_fd (0: vmlinux), the verifier's log in @log if it is not NULL. The fd or
 * -errno.
 */
static int reload(struct bpf_program *prog, enum bpf_attach_type type, __u32 btf_id,
		  int btf_obj_fd, char *log, size_t log_size)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type,
		    .attach_btf_id = btf_id, .attach_btf_obj_fd = btf_obj_fd);
	int fd;

	if (log) {
		log[0] = 0;
		opts.log_buf = log;
		opts.log_size = log_size;
		opts.log_level = 1;
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, bpf_program__name(prog), "GPL",
			   bpf_program__insns(prog), bpf_program__insn_cnt(prog), &opts);
	return fd < 0 ? -errno : fd;
}

/* vmlinux's int bpf_multi_func(void): the load-time target of untyped multi programs */
static int multi_stub_id(void)
{
	return btf__find_by_name_kind(vmlinux_btf, "bpf_multi_func", BTF_KIND_FUNC);
}

static void errs_unset(__s32 *errs, size_t n)
{
	while (n--)
		errs[n] = ERRS_UNSET;
}

/* Index of the first entry of @errs the kernel wrote, -1 if none */
static long errs_written(const __s32 *errs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (errs[i] != ERRS_UNSET)
			return i;
	return -1;
}

/* @errs is @want, entry by entry */
static int check_errs(const __s32 *errs, const __s32 *want, int n)
{
	int i;

	for (i = 0; i < n; i++)
		CHECK(errs[i] == want[i], "errs[%d] = %d, expected %d", i, errs[i], want[i]);
	return 0;
}

/*
 * Untyped multi programs (attach_btf_id 0, mainline's model): their load-time target is
 * vmlinux's stub bpf_multi_func(void), which has no argument and no return value slot to
 * read directly; fmod_ret multi needs a real load-time target.
 */
static int untyped_load(void)
{
	static const enum bpf_attach_type types[] = {
		BPF_TRACE_FENTRY_MULTI, BPF_TRACE_FEXIT_MULTI,
	};
	struct tracing_multi *skel;
	struct bpf_program *p;
	__u32 obj_id = 0, btf_id = 0;
	int stub, fd, i, id;
	char *log;

	CHECK_EQ(setup(), 0);
	stub = multi_stub_id();
	CHECK(stub > 0, "no FUNC bpf_multi_func in vmlinux BTF");
	log = malloc(LOAD_LOG_SIZE);
	CHECK(log, "malloc");

	for (i = 0; i < 2; i++) {
		fd = load_raw(BPF_PROG_TYPE_TRACING, types[i], 0, 0);
		CHECK(fd >= 0, "untyped %s: %d", libbpf_bpf_attach_type_str(types[i]), fd);
		CHECK_EQ(prog_attach_btf_ids(fd, &obj_id, &btf_id), 0);
		CHECK_EQ(btf_id, stub);
		CHECK_EQ(obj_id, 1);		/* vmlinux */
		close(fd);
	}

	/* fentry_arg0 reads its arg0 from the context: there is none */
	skel = load_one("fentry_arg0", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	p = skel->progs.fentry_arg0;
	fd = reload(p, BPF_TRACE_FENTRY_MULTI, 0, 0, log, LOAD_LOG_SIZE);
	CHECK(fd == -EACCES, "untyped fentry reading ctx: %d; log: %s", fd, log);
	CHECK(strstr(log, "func 'bpf_multi_func' doesn't have 1-th argument"), "log: %s", log);
	printf("untyped fentry reading ctx: %s", strstr(log, "func 'bpf_multi_func'"));

	/*
	 * As fexit, offset 0 is where int bpf_multi_func(void) has its return value, and
	 * where the targets have their arg0: refused as well
	 */
	fd = reload(p, BPF_TRACE_FEXIT_MULTI, 0, 0, log, LOAD_LOG_SIZE);
	CHECK(fd == -EACCES, "untyped fexit reading ctx offset 0: %d; log: %s", fd, log);
	CHECK(strstr(log, "bpf_multi_func") && strstr(log, "invalid bpf_context access off=0"),
	      "log: %s", log);
	printf("untyped fexit reading ctx offset 0: %s", strstr(log, "invalid bpf_context"));
	/* loaded against bpf_fentry_test1(int a), the same program reads a there */
	id = btf__find_by_name_kind(vmlinux_btf, "bpf_fentry_test1", BTF_KIND_FUNC);
	fd = reload(p, BPF_TRACE_FEXIT_MULTI, id, 0, NULL, 0);
	CHECK(fd >= 0, "typed fexit reading arg0: %d", fd);
	close(fd);
	tracing_multi__destroy(skel);

	/*
	 * fmod_ret multi: not without a load-time target, nor with the stub as one (the
	 * value it writes into every target is typed by its load-time target, and the
	 * stub is no function whose return value can be modified)
	 */
	CHECK_EQ(load_raw(BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN_MULTI, 0, 0), -EINVAL);
	CHECK_EQ(load_raw(BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN_MULTI, stub, 0), -EINVAL);
	id = btf__find_by_name_kind(vmlinux_btf, "bpf_modify_return_test", BTF_KIND_FUNC);
	fd = load_raw(BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN_MULTI, id, 0);
	CHECK(fd >= 0, "fmod_ret multi against bpf_modify_return_test: %d", fd);
	close(fd);
	free(log);
	return 0;
}

/*
 * Untyped fentry and fexit multi programs on bpf_fentry_test1..9 (BPF_PROG_TEST_RUN of
 * the multi program calls them): each target's arg0, argument count and return value
 * through the helpers, whatever its prototype.
 */
static int untyped_test_run(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
		{ "bpf_fentry_test4" }, { "bpf_fentry_test5" }, { "bpf_fentry_test6" },
		{ "bpf_fentry_test7" }, { "bpf_fentry_test8" }, { "bpf_fentry_test9" },
	};
	static const struct {
		const char *prog;
		enum bpf_attach_type type;
	} progs[] = {
		{ "fentry_helpers", BPF_TRACE_FENTRY_MULTI },
		{ "fexit_helpers", BPF_TRACE_FEXIT_MULTI },
	};
	/* what test_run passes and the functions return (net/bpf/test_run.c); -1: a pointer */
	static const long long args[] = { 1, 2, 4, 7, 11, 16, 0, -1, -1 };
	static const int nargs[] = { 1, 2, 3, 4, 5, 6, 1, 1, 1 };
	static const int rets[] = { 2, 5, 15, 34, 65, 111, 0, 0, 0 };
	struct tracing_multi *skel;
	struct multi_attach m;
	__u32 obj_id = 0, btf_id = 0;
	int k, i, fd, prog_fd, stub;

	CHECK_EQ(setup(), 0);
	stub = multi_stub_id();
	CHECK(stub > 0, "no FUNC bpf_multi_func in vmlinux BTF");
	for (k = 0; k < 2; k++) {
		LIBBPF_OPTS(bpf_test_run_opts, topts);
		bool fexit = progs[k].type == BPF_TRACE_FEXIT_MULTI;

		skel = load_one(progs[k].prog, progs[k].type);
		CHECK(skel, "load %s", progs[k].prog);
		prog_fd = reload(bpf_object__find_program_by_name(skel->obj, progs[k].prog),
				 progs[k].type, 0, 0, NULL, 0);
		CHECK(prog_fd >= 0, "%s untyped: %d", progs[k].prog, prog_fd);
		CHECK_EQ(prog_attach_btf_ids(prog_fd, &obj_id, &btf_id), 0);
		CHECK_EQ(btf_id, stub);

		CHECK_EQ(fill_targets(&m, t, 9), 0);
		fd = link_multi_fd(prog_fd, progs[k].type, m.cnt, m.ids, m.fds, m.cookies, m.log,
				   sizeof(m.log));
		CHECK(fd >= 0, "link %s: %d %s", progs[k].prog, fd, m.log);
		CHECK_EQ(bpf_prog_test_run_opts(prog_fd, &topts), 0);
		CHECK_EQ(topts.retval, 0);
		CHECK_EQ(check_slots(skel, t, 9, 1), 0);
		for (i = 0; i < 9; i++) {
			CHECK(args[i] < 0 ? skel->bss->arg0[i] != 0 :
					    (long long)skel->bss->arg0[i] == args[i],
			      "%s %s: arg0 %llu, expected %lld", progs[k].prog, t[i].func,
			      skel->bss->arg0[i], args[i]);
			CHECK(skel->bss->nargs[i] == nargs[i], "%s %s: %llu arguments, expected %d",
			      progs[k].prog, t[i].func, skel->bss->nargs[i], nargs[i]);
			CHECK(!fexit || (int)skel->bss->rets[i] == rets[i],
			      "%s %s: returned %d, expected %d", progs[k].prog, t[i].func,
			      (int)skel->bss->rets[i], rets[i]);
		}
		printf("%s untyped: 9 targets, arg0, argument count%s as each has them\n",
		       progs[k].prog, fexit ? " and return value" : "");
		close(fd);
		CHECK_EQ(bpf_prog_test_run_opts(prog_fd, &topts), 0);
		CHECK_EQ(skel->bss->hits[0], 1);
		CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
		close(prog_fd);
		tracing_multi__destroy(skel);
	}
	return 0;
}

/* 57, 58 and 61, mainline's values for what this kernel doesn't have: EINVAL at load */
static int reserved_attach_types(void)
{
	static const enum bpf_attach_type reserved[] = {
		BPF_TRACE_UPROBE_SESSION, BPF_TRACE_FSESSION, BPF_TRACE_FSESSION_MULTI,
	};
	__u32 ids[1];
	int i, fd, id;

	CHECK_EQ(setup(), 0);
	id = btf__find_by_name_kind(vmlinux_btf, "bpf_fentry_test1", BTF_KIND_FUNC);
	CHECK(id > 0, "bpf_fentry_test1");
	for (i = 0; i < 3; i++) {
		printf("attach type %d\n", reserved[i]);
		CHECK_EQ(load_raw(BPF_PROG_TYPE_TRACING, reserved[i], 0, 0), -EINVAL);
		CHECK_EQ(load_raw(BPF_PROG_TYPE_TRACING, reserved[i], id, 0), -EINVAL);
		CHECK_EQ(load_raw(BPF_PROG_TYPE_KPROBE, reserved[i], 0, 0), -EINVAL);
	}
	/* what they are next to loads, and such an attach type makes no link */
	fd = load_raw(BPF_PROG_TYPE_KPROBE, 0, 0, 0);
	CHECK(fd >= 0, "kprobe: %d", fd);
	close(fd);
	fd = load_raw(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY_MULTI, 0, 0);
	CHECK(fd >= 0, "untyped fentry multi: %d", fd);
	ids[0] = id;
	CHECK_EQ(link_multi_fd(fd, BPF_TRACE_FSESSION_MULTI, 1, ids, NULL, NULL, NULL, 0),
		 -EINVAL);
	close(fd);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	return 0;
}

/*
 * bpf_prog_info.expected_attach_type, after mainline's last field: what each program was
 * loaded with. A caller that asks for less gets less: info_len tells it the field's there.
 */
/*
 * bpf_prog_get_info_by_fd() as a process without CAP_BPF and CAP_SYS_ADMIN
 * sees it: a child gives up root (and so every capability) and reads the
 * info of the fd it inherited. Returns the info's expected_attach_type, or
 * -1 when the child could not read it.
 */
static long unprivileged_attach_type(int fd, __u32 *len)
{
	struct { __u32 len, type; int err; } out = { .err = -1 };
	int p[2], status;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct bpf_prog_info info;

		memset(&info, 0, sizeof(info));
		out.len = sizeof(info);
		if (!setgid(65534) && !setuid(65534))
			out.err = bpf_prog_get_info_by_fd(fd, &info, &out.len);
		out.type = info.expected_attach_type;
		_exit(write(p[1], &out, sizeof(out)) != sizeof(out));
	}
	close(p[1]);
	if (read(p[0], &out, sizeof(out)) != sizeof(out))
		out.err = -1;
	close(p[0]);
	waitpid(pid, &status, 0);
	*len = out.len;
	return out.err ? -1 : out.type;
}

static int prog_info_attach_type(void)
{
	static const struct {
		enum bpf_attach_type type;
		const char *func;	/* NULL: untyped */
	} progs[] = {
		{ BPF_TRACE_FENTRY_MULTI }, { BPF_TRACE_FEXIT_MULTI },
		{ BPF_MODIFY_RETURN_MULTI, "bpf_modify_return_test" },
		{ BPF_TRACE_FEXIT, "bpf_fentry_test1" },
	};
	const __u32 short_len = offsetof(struct bpf_prog_info, expected_attach_type);
	struct bpf_prog_info info;
	int i, fd, id;
	__u32 len;

	CHECK_EQ(setup(), 0);
	for (i = 0; i < 4; i++) {
		id = 0;
		if (progs[i].func) {
			id = btf__find_by_name_kind(vmlinux_btf, progs[i].func, BTF_KIND_FUNC);
			CHECK(id > 0, "%s", progs[i].func);
		}
		fd = load_raw(BPF_PROG_TYPE_TRACING, progs[i].type, id, 0);
		CHECK(fd >= 0, "load as %s: %d", libbpf_bpf_attach_type_str(progs[i].type), fd);
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		CHECK_EQ(bpf_prog_get_info_by_fd(fd, &info, &len), 0);
		CHECK_EQ(len, sizeof(info));
		CHECK_EQ(info.expected_attach_type, progs[i].type);
		/* not a privileged field: the type is known without CAP_BPF too */
		CHECK_EQ(unprivileged_attach_type(fd, &len), progs[i].type);
		CHECK_EQ(len, sizeof(info));
		memset(&info, 0, sizeof(info));
		len = short_len;
		CHECK_EQ(bpf_prog_get_info_by_fd(fd, &info, &len), 0);
		CHECK_EQ(len, short_len);
		CHECK_EQ(info.expected_attach_type, 0);
		printf("%s: info_len %u, expected_attach_type %u (without CAP_BPF too); "
		       "asked for %u bytes: %u\n",
		       libbpf_bpf_attach_type_str(progs[i].type), (unsigned int)sizeof(info),
		       progs[i].type, short_len, len);
		close(fd);
	}
	return 0;
}

/* A function without an ftrace call site (notrace), by BTF id: ENOENT, and nothing left */
static int notrace_enoent(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "tmulti_bad_notrace", true },
	};
	struct tracing_multi *skel;
	struct multi_attach m;
	__s32 errs[2];
	int fd, refs, prog_fd;

	CHECK_EQ(setup(), 0);
	refs = module_refcnt();
	skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	CHECK_EQ(fill_targets(&m, t, 2), 0);
	errs_unset(errs, 2);
	fd = link_multi_fd_errs(bpf_program__fd(skel->progs.fentry_noargs),
				BPF_TRACE_FENTRY_MULTI, m.cnt, m.ids, m.fds, m.cookies, m.log,
				sizeof(m.log), errs);
	printf("log: %s", m.log);
	CHECK_EQ(fd, -ENOENT);
	CHECK(strstr(m.log, "target 1 (") && strstr(m.log, "tmulti_bad_notrace") &&
	      !strstr(m.log, "target 0 ("), "log: %s", m.log);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -ENOENT }, 2), 0);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	CHECK_EQ(module_refcnt(), refs);
	tracing_multi__destroy(skel);

	/* alone, for an untyped program */
	prog_fd = load_raw(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY_MULTI, 0, 0);
	CHECK(prog_fd >= 0, "untyped: %d", prog_fd);
	CHECK_EQ(link_multi_fd(prog_fd, BPF_TRACE_FENTRY_MULTI, 1, &m.ids[1], &m.fds[1], NULL,
			       m.log, sizeof(m.log)), -ENOENT);
	close(prog_fd);
	CHECK_EQ(module_refcnt(), refs);
	return 0;
}

/*
 * errs[]: when a link fails after the kernel read the arrays, errs[i] is the errno of
 * each target it refused (the later index of a duplicate), 0 for the others, and the
 * call fails with the first refused target's errno. Not written on success, nor when
 * the call fails before the arrays are read.
 */
static int errs_array(void)
{
	static const struct target five[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test1" },	/* [1]: made a struct */
		{ "bpf_fentry_test2" }, { "tmulti_bad_notrace", true }, { "bpf_fentry_test3" },
	};
	static const struct target three[] = {
		{ "tmulti_bad_notrace", true }, { "bpf_fentry_test1" },	/* [1]: made a struct */
		{ "bpf_fentry_test1" },
	};
	static const struct target dups[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test1" },
		{ "bpf_fentry_test2" }, { "bpf_fentry_test3" },
	};
	struct tracing_multi *skel;
	struct multi_attach m;
	union bpf_attr attr;
	__s32 errs[5], *many;
	int prog_fd, fd, task_struct;
	size_t cnt = (1 << 20) + 1;

	CHECK_EQ(setup(), 0);
	task_struct = btf__find_by_name_kind(vmlinux_btf, "task_struct", BTF_KIND_STRUCT);
	CHECK(task_struct > 0, "task_struct");
	skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	prog_fd = bpf_program__fd(skel->progs.fentry_noargs);

#define LINK_ERRS(m, errs)							\
	link_multi_fd_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, (m).cnt, (m).ids, (m).fds,	\
			   (m).cookies, (m).log, sizeof((m).log), errs)

	/* a struct and a notrace function among three good targets: the struct's EINVAL */
	CHECK_EQ(fill_targets(&m, five, 5), 0);
	m.ids[1] = task_struct;
	errs_unset(errs, 5);
	fd = LINK_ERRS(m, errs);
	printf("log: %s", m.log);
	CHECK_EQ(fd, -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EINVAL, 0, -ENOENT, 0 }, 5), 0);

	/* the notrace function first: its ENOENT */
	CHECK_EQ(fill_targets(&m, three, 3), 0);
	m.ids[1] = task_struct;
	errs_unset(errs, 3);
	CHECK_EQ(LINK_ERRS(m, errs), -ENOENT);
	CHECK_EQ(check_errs(errs, (const __s32[]){ -ENOENT, -EINVAL, 0 }, 3), 0);

	/* an fd that is not open: its EBADF */
	CHECK_EQ(fill_targets(&m, dups, 2), 0);
	m.fds[1] = 1000;
	errs_unset(errs, 2);
	CHECK_EQ(LINK_ERRS(m, errs), -EBADF);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EBADF }, 2), 0);

	/* duplicates: the later of each pair */
	CHECK_EQ(fill_targets(&m, dups, 5), 0);
	errs_unset(errs, 5);
	fd = LINK_ERRS(m, errs);
	printf("log: %s", m.log);
	CHECK_EQ(fd, -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, 0, -EINVAL, -EINVAL, 0 }, 5), 0);
	CHECK_EQ(ftrace_enabled(NULL), 0);

	/* success: not written */
	CHECK_EQ(fill_targets(&m, five, 1), 0);
	errs_unset(errs, 1);
	fd = LINK_ERRS(m, errs);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(errs_written(errs, 1), -1);
	close(fd);

	/* cnt 0, more than 1 << 20 targets, bad flags: refused before the arrays are read */
	errs_unset(errs, 5);
	CHECK_EQ(link_multi_fd_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, 0, m.ids, NULL, NULL, NULL,
				    0, errs), -EINVAL);
	CHECK_EQ(errs_written(errs, 5), -1);
	many = malloc(cnt * sizeof(*many));
	CHECK(many, "malloc");
	errs_unset(many, cnt);
	/* m.ids has SLOTS + 2 entries: the kernel must read none of them */
	CHECK_EQ(link_multi_fd_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, cnt, m.ids, NULL, NULL, NULL,
				    0, many), -E2BIG);
	CHECK_EQ(errs_written(many, cnt), -1);
	free(many);
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = BPF_TRACE_FENTRY_MULTI;
	attr.link_create.flags = 1;
	attr.link_create.tracing_multi.ids = (__u64)(unsigned long)m.ids;
	attr.link_create.tracing_multi.cnt = 1;
	attr.link_create.tracing_multi.errs = (__u64)(unsigned long)errs;
	errs_unset(errs, 5);
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	CHECK(fd < 0 && errno == EINVAL, "flags 1: %d, errno %d", fd, errno);
	CHECK_EQ(errs_written(errs, 5), -1);
#undef LINK_ERRS
	CHECK_EQ(ftrace_enabled(NULL), 0);
	tracing_multi__destroy(skel);
	return 0;
}

/*
 * A program loaded with a module's BTF (attach_btf_obj_fd, untyped): fds[i] == 0 is that
 * module, so the module's functions need no fd, and a vmlinux one the vmlinux BTF fd;
 * the link's btf_obj_id is the module's.
 */
static int fds_attach_btf(void)
{
	static const struct target mod[] = {
		{ "tmulti_test_int", true }, { "tmulti_test_sleepable", true },
	};
	static const struct target mixed[] = {
		{ "tmulti_test_int", true }, { "bpf_fentry_test1" },
	};
	struct tracing_multi *skel;
	struct bpf_link_info info;
	struct multi_attach m;
	__u32 obj_id = 0, btf_id = 0, module_id, obj_ids[2], len;
	__s32 errs[2];
	int prog_fd, vmlinux_prog_fd, fd;

	CHECK_EQ(setup(), 0);
	module_id = btf_obj_id(module_btf_fd);
	CHECK(module_id > 1, "module BTF id %u", module_id);
	skel = load_one("fentry_helpers", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	prog_fd = reload(skel->progs.fentry_helpers, BPF_TRACE_FENTRY_MULTI, 0, module_btf_fd,
			 NULL, 0);
	CHECK(prog_fd >= 0, "untyped, module BTF: %d", prog_fd);
	CHECK_EQ(prog_attach_btf_ids(prog_fd, &obj_id, &btf_id), 0);
	CHECK_EQ(obj_id, module_id);
	CHECK_EQ(btf_id, multi_stub_id());

	/* no fds: every id is the module's */
	CHECK_EQ(fill_targets(&m, mod, 2), 0);
	fd = link_multi_fd(prog_fd, BPF_TRACE_FENTRY_MULTI, 2, m.ids, NULL, m.cookies, m.log,
			   sizeof(m.log));
	CHECK(fd >= 0, "link, no fds: %d %s", fd, m.log);
	CHECK_EQ(testmod_trigger(9), 0);
	CHECK_EQ(check_slots(skel, mod, 2, 1), 0);
	CHECK_EQ(skel->bss->arg0[0], 9);
	CHECK_EQ(skel->bss->arg0[1], 9);
	memset(&info, 0, sizeof(info));
	info.tracing_multi.count = 2;
	info.tracing_multi.btf_obj_ids = (__u64)(unsigned long)obj_ids;
	len = sizeof(info);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len), 0);
	CHECK_EQ(info.tracing_multi.btf_obj_id, module_id);
	CHECK_EQ(obj_ids[0], module_id);
	CHECK_EQ(obj_ids[1], module_id);
	close(fd);

	/* fd 0 for a vmlinux id: looked up in the module's BTF, refused */
	CHECK_EQ(fill_targets(&m, mixed, 2), 0);
	m.fds[0] = 0;
	errs_unset(errs, 2);
	fd = link_multi_fd_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, 2, m.ids, m.fds, m.cookies,
				m.log, sizeof(m.log), errs);
	printf("vmlinux id, fd 0: %d %s", fd, m.log);
	CHECK_EQ(fd, -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EINVAL }, 2), 0);
	CHECK(strstr(m.log, "target 1 (") && strstr(m.log, "vmlinux"), "log: %s", m.log);

	/* by the vmlinux BTF fd: linked */
	m.fds[1] = vmlinux_btf_fd;
	fd = link_multi_fd(prog_fd, BPF_TRACE_FENTRY_MULTI, 2, m.ids, m.fds, m.cookies, m.log,
			   sizeof(m.log));
	CHECK(fd >= 0, "link, vmlinux BTF fd: %d %s", fd, m.log);
	memset(skel->bss->hits, 0, sizeof(skel->bss->hits));
	CHECK_EQ(testmod_trigger(3), 0);
	CHECK_EQ(bpf_prog_test_run_opts(prog_fd, NULL), 0);
	CHECK_EQ(check_slots(skel, mixed, 2, 1), 0);
	CHECK_EQ(skel->bss->arg0[0], 3);
	CHECK_EQ(skel->bss->arg0[1], 1);
	memset(&info, 0, sizeof(info));
	info.tracing_multi.count = 2;
	info.tracing_multi.btf_obj_ids = (__u64)(unsigned long)obj_ids;
	len = sizeof(info);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len), 0);
	CHECK_EQ(info.tracing_multi.btf_obj_id, module_id);
	CHECK_EQ(obj_ids[0], module_id);
	CHECK_EQ(obj_ids[1], 1);
	close(fd);

	/* and for a program loaded for vmlinux, fd 0 is vmlinux: a module id is refused */
	vmlinux_prog_fd = reload(skel->progs.fentry_helpers, BPF_TRACE_FENTRY_MULTI, 0, 0,
				 NULL, 0);
	CHECK(vmlinux_prog_fd >= 0, "untyped, vmlinux: %d", vmlinux_prog_fd);
	fd = link_multi_fd(vmlinux_prog_fd, BPF_TRACE_FENTRY_MULTI, 1, m.ids, NULL, NULL, m.log,
			   sizeof(m.log));
	printf("module id, fd 0, vmlinux program: %d %s", fd, m.log);
	CHECK_EQ(fd, -EINVAL);
	close(vmlinux_prog_fd);
	close(prog_fd);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	tracing_multi__destroy(skel);
	return 0;
}

/* A function of this runner for a uprobe */
__attribute__((noinline)) int tmulti_uprobe_target(int x)
{
	asm volatile ("" : "+r"(x));
	return x + 1;
}

/* The offset in its file of the code at @addr, as uprobes want it; -1 if not found */
static long long file_offset(const void *addr)
{
	unsigned long long start, end, off;
	char line[512], perms[8];
	long long ret = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s %llx", &start, &end, perms, &off) != 4)
			continue;
		if ((unsigned long)addr >= start && (unsigned long)addr < end) {
			ret = (unsigned long)addr - start + off;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* BPF_LINK_CREATE of @attr, with byte @byte set if it is not negative; the fd or -errno */
static int link_create_byte(const union bpf_attr *attr, int byte)
{
	union bpf_attr a = *attr;
	int fd;

	if (byte >= 0)
		((unsigned char *)&a)[byte] = 1;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	return fd < 0 ? -errno : fd;
}

/*
 * Bytes the kernel must find zero: tracing_multi's 4 after cnt (mainline has nothing
 * there), and those after errs; for the other links, bytes 60..72 past their last
 * field, which only tracing_multi uses here (mainline's uprobe_multi.path_fd is at 60).
 */
static int attr_padding(void)
{
	static const char *syms[] = { "bpf_fentry_test1" };
	struct tracing_multi *skel;
	union bpf_attr attr;
	char exe[4096];
	long long off;
	__u64 offsets[1];
	__u32 ids[1];
	__s32 errs[1];
	int fd, prog_fd, byte;
	ssize_t n;

	CHECK_EQ(setup(), 0);
	skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	ids[0] = btf__find_by_name_kind(vmlinux_btf, "bpf_fentry_test1", BTF_KIND_FUNC);
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = bpf_program__fd(skel->progs.fentry_noargs);
	attr.link_create.attach_type = BPF_TRACE_FENTRY_MULTI;
	attr.link_create.tracing_multi.ids = (__u64)(unsigned long)ids;
	attr.link_create.tracing_multi.cnt = 1;
	attr.link_create.tracing_multi.errs = (__u64)(unsigned long)errs;
	fd = link_create_byte(&attr, -1);
	CHECK(fd >= 0, "tracing multi, all zero: %d", fd);
	close(fd);
	for (byte = TRACING_MULTI_PAD; byte < TRACING_MULTI_PAD + 4; byte++) {
		errs_unset(errs, 1);
		CHECK(link_create_byte(&attr, byte) == -EINVAL, "tracing multi, byte %d", byte);
		CHECK_EQ(errs_written(errs, 1), -1);
	}
	CHECK(link_create_byte(&attr, TRACING_MULTI_END) == -EINVAL,
	      "tracing multi, byte %d", TRACING_MULTI_END);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	tracing_multi__destroy(skel);

	/* uprobe_multi on a function of this runner */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CHECK(n > 0, "readlink /proc/self/exe: %d", -errno);
	exe[n] = 0;
	off = file_offset((const void *)tmulti_uprobe_target);
	CHECK(off >= 0, "no mapping of tmulti_uprobe_target");
	offsets[0] = off;
	prog_fd = load_raw(BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, 0);
	CHECK(prog_fd >= 0, "uprobe_multi program: %d", prog_fd);
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = BPF_TRACE_UPROBE_MULTI;
	attr.link_create.uprobe_multi.path = (__u64)(unsigned long)exe;
	attr.link_create.uprobe_multi.offsets = (__u64)(unsigned long)offsets;
	attr.link_create.uprobe_multi.cnt = 1;
	fd = link_create_byte(&attr, -1);
	CHECK(fd >= 0, "uprobe_multi on %s+%#llx, all zero: %d", exe, off, fd);
	close(fd);
	for (byte = UPROBE_MULTI_END; byte < TRACING_MULTI_END; byte++)
		CHECK(link_create_byte(&attr, byte) == -EINVAL, "uprobe_multi, byte %d", byte);
	close(prog_fd);

	/* kprobe_multi likewise */
	prog_fd = load_raw(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, 0);
	CHECK(prog_fd >= 0, "kprobe_multi program: %d", prog_fd);
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.syms = (__u64)(unsigned long)syms;
	attr.link_create.kprobe_multi.cnt = 1;
	fd = link_create_byte(&attr, -1);
	CHECK(fd >= 0, "kprobe_multi, all zero: %d", fd);
	close(fd);
	for (byte = UPROBE_MULTI_END; byte < TRACING_MULTI_END; byte++)
		CHECK(link_create_byte(&attr, byte) == -EINVAL, "kprobe_multi, byte %d", byte);
	close(prog_fd);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	return 0;
}

/*
 * One program, several links: on functions it doesn't trace yet (disjoint), again on a
 * function once the link that had it is closed or detached, and not on one a live link
 * of it has (EBUSY, errs[] naming that target, nothing of the link left).
 */
static int several_links(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
		{ "tmulti_test_int", true },
	};
	struct tracing_multi *skel;
	struct bpf_program *p;
	struct multi_attach m;
	int a, b, c, id, refs;
	__s32 errs[2];

	CHECK_EQ(setup(), 0);
	refs = module_refcnt();
	skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	p = skel->progs.fentry_noargs;
	id = prog_id(bpf_program__fd(p));
	CHECK_EQ(fill_targets(&m, t, 4), 0);

	/* a: test1 and test2, cookies 0 and 1 */
	a = link_multi(p, 2, m.ids, m.fds, m.cookies, m.log, sizeof(m.log));
	CHECK(a >= 0, "link a: %d %s", a, m.log);
	/* test2 and test3: test2 is a's */
	errs_unset(errs, 2);
	CHECK_EQ(link_multi_fd_errs(bpf_program__fd(p), BPF_TRACE_FENTRY_MULTI, 2, &m.ids[1],
				    &m.fds[1], &m.cookies[1], m.log, sizeof(m.log), errs), -EBUSY);
	printf("overlap: %s", m.log);
	CHECK(strstr(m.log, "target 0 ("), "log does not name target 0: %s", m.log);
	CHECK_EQ(check_errs(errs, (const __s32[]){ -EBUSY, 0 }, 2), 0);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test3"), 0);
	CHECK_EQ(count_links(id), 1);

	/* b: test3 and the module's tmulti_test_int, cookies 2 and 3 */
	b = link_multi(p, 2, &m.ids[2], &m.fds[2], &m.cookies[2], m.log, sizeof(m.log));
	CHECK(b >= 0, "link b: %d %s", b, m.log);
	CHECK_EQ(count_links(id), 2);
	CHECK_EQ(trigger_fentry_test_funcs(p), 0);
	CHECK_EQ(testmod_trigger(1), 0);
	CHECK_EQ(check_slots(skel, t, 4, 1), 0);

	/* a closed: its functions run the program no more, b's still do */
	close(a);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	CHECK_EQ(trigger_fentry_test_funcs(p), 0);
	CHECK_EQ(skel->bss->hits[0], 1);
	CHECK_EQ(skel->bss->hits[2], 2);
	/* ... and can be linked again: test1 and test2 once more */
	a = link_multi(p, 2, m.ids, m.fds, m.cookies, m.log, sizeof(m.log));
	CHECK(a >= 0, "link a again: %d %s", a, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(p), 0);
	CHECK_EQ(skel->bss->hits[0], 2);
	CHECK_EQ(skel->bss->hits[1], 2);
	CHECK_EQ(skel->bss->hits[2], 3);

	/* b detached (its fd stays): test3 is free for a new link */
	CHECK_EQ(bpf_link_detach(b), 0);
	CHECK_EQ(module_refcnt(), refs);
	c = link_multi(p, 1, &m.ids[2], &m.fds[2], &m.cookies[2], m.log, sizeof(m.log));
	CHECK(c >= 0, "link c after b's detach: %d %s", c, m.log);
	CHECK_EQ(trigger_fentry_test_funcs(p), 0);
	CHECK_EQ(skel->bss->hits[2], 4);
	CHECK_EQ(testmod_trigger(1), 0);
	CHECK_EQ(skel->bss->hits[3], 1);
	close(c);
	close(b);
	close(a);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	CHECK_EQ(count_links(id), 0);
	tracing_multi__destroy(skel);
	return 0;
}

/*
 * link_create.tracing_multi of @prog_fd (a @type program) for the targets of @m, the
 * targets' errnos in @errs, without a log: the caller sets what the helpers of testlib.h
 * set for it (log, flags, target_fd).
 */
static void multi_attr(union bpf_attr *attr, int prog_fd, enum bpf_attach_type type,
		       const struct multi_attach *m, __s32 *errs)
{
	memset(attr, 0, sizeof(*attr));
	attr->link_create.prog_fd = prog_fd;
	attr->link_create.attach_type = type;
	attr->link_create.tracing_multi.ids = (__u64)(unsigned long)m->ids;
	attr->link_create.tracing_multi.fds = (__u64)(unsigned long)m->fds;
	attr->link_create.tracing_multi.cookies = (__u64)(unsigned long)m->cookies;
	attr->link_create.tracing_multi.cnt = m->cnt;
	attr->link_create.tracing_multi.errs = (__u64)(unsigned long)errs;
}

static void multi_attr_log(union bpf_attr *attr, const void *buf, __u32 size, __u32 level)
{
	attr->link_create.tracing_multi.log_buf = (__u64)(unsigned long)buf;
	attr->link_create.tracing_multi.log_size = size;
	attr->link_create.tracing_multi.log_level = level;
}

/* The link of a @type program @prog_fd to the targets of @m, with log and @errs */
static int link_errs(int prog_fd, enum bpf_attach_type type, struct multi_attach *m,
		     __s32 *errs)
{
	return link_multi_fd_errs(prog_fd, type, m->cnt, m->ids, m->fds, m->cookies, m->log,
				  sizeof(m->log), errs);
}

/* bpf_verifier_log_attr_valid(), as BPF_PROG_LOAD: the log attributes refused */
static const struct {
	const char *what;
	bool buf;
	__u32 size, level;
} bad_logs[] = {
	{ "log_buf, log_size 0", true, 0, 1 },
	{ "log_size without log_buf", false, 4096, 1 },
	{ "log_buf, log_level 0", true, 4096, 0 },
	{ "log_level 16 (BPF_LOG_KERNEL, beyond BPF_LOG_MASK)", true, 4096, 16 },
	{ "log_size > UINT_MAX >> 2", true, (0xffffffffu >> 2) + 1, 1 },
};

/*
 * The rows of the errno table (docs/uapi.md) the other tests leave out, each with
 * errs[], the log line and nothing left behind: ids[i] == 0; fds[i] an open fd of
 * neither a program nor a BTF; a 16-byte return value (an integer: EOPNOTSUPP for
 * fexit only; a struct: EINVAL for every type); a log buffer the kernel can't write or
 * that is too small (the target's errno all the same) and the log attributes refused
 * as BPF_PROG_LOAD's; an errs array the kernel can't write (EFAULT, only if it has to
 * write it); flags and target_fd; a vmlinux id given with a module's BTF fd.
 */
static int errno_table(void)
{
	static const struct target t[] = {
		{ "bpf_fentry_test1" }, { "bpf_fentry_test2" }, { "bpf_fentry_test3" },
	};
	static const struct target big[] = {
		{ "tmulti_test_int", true }, { "tmulti_ret_u128", true },
		{ "tmulti_ret_big", true },
	};
	static const struct target u128[] = { { "tmulti_ret_u128", true } };
	static const struct target vm_mod[] = {
		{ "bpf_fentry_test1" }, { "tmulti_test_int", true },
	};
	static const char id0_line[] = "target 1 (btf_id 0): btf_id is 0\n";
	struct tracing_multi *skel, *typed;
	long page = sysconf(_SC_PAGESIZE);
	int prog_fd, fd, id, raw_fd, refs, map_fd, efd, not_tgt[2], i;
	union bpf_attr attr;
	struct multi_attach m;
	char want[256], small[8], *ro, *log;
	__s32 errs[3];

	CHECK_EQ(setup(), 0);
	refs = module_refcnt();
	skel = load_one("fentry_noargs", BPF_TRACE_FENTRY_MULTI);
	CHECK(skel, "load");
	prog_fd = bpf_program__fd(skel->progs.fentry_noargs);
	id = prog_id(prog_fd);
	CHECK(id, "prog id");
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED, "mmap: %d", -errno);
	log = malloc(4096);
	CHECK(log, "malloc");

	/* What the rows below take apart links */
	CHECK_EQ(fill_targets(&m, t, 3), 0);
	fd = link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, NULL);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(count_links(id), 1);
	close(fd);
	CHECK_EQ(count_links(id), 0);

	/* 1. ids[1] == 0 between two good ids: EINVAL for target 1 only */
	m.ids[1] = 0;
	errs_unset(errs, 3);
	fd = link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
	printf("ids[1] == 0: %d %s", fd, m.log);
	CHECK_EQ(fd, -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EINVAL, 0 }, 3), 0);
	CHECK(strstr(m.log, id0_line) && !strstr(m.log, "target 0 (") &&
	      !strstr(m.log, "target 2 ("), "log: %s", m.log);
	CHECK_EQ(count_links(id), 0);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);

	/* 2. fds[1] an open fd of neither a BPF program nor a BTF: a map's, an eventfd */
	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "errno_table", 4, 4, 1, NULL);
	CHECK(map_fd >= 0, "map: %d", -errno);
	efd = eventfd(0, EFD_CLOEXEC);
	CHECK(efd >= 0, "eventfd: %d", -errno);
	not_tgt[0] = map_fd;
	not_tgt[1] = efd;
	for (i = 0; i < 2; i++) {
		CHECK_EQ(fill_targets(&m, t, 2), 0);
		m.fds[1] = not_tgt[i];
		errs_unset(errs, 2);
		fd = link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
		printf("fds[1] = %s fd: %d %s", i ? "an eventfd" : "a map", fd, m.log);
		CHECK_EQ(fd, -EINVAL);
		CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EINVAL }, 2), 0);
		snprintf(want, sizeof(want), "target 1 (btf_id %u): tgt_fd %d %s\n", m.ids[1],
			 not_tgt[i], "is neither a BPF program nor a BTF object");
		CHECK(strstr(m.log, want) && !strstr(m.log, "target 0 ("), "log: %s", m.log);
		CHECK_EQ(count_links(id), 0);
	}
	close(efd);
	close(map_fd);

	/*
	 * 3. Return values of 16 bytes. Untyped (no load-time prototype): fexit refuses
	 * the unsigned __int128 one with EOPNOTSUPP, every type refuses the struct one
	 * (EINVAL, btf_distill_func_proto()), fentry takes the integer one and runs there.
	 */
	raw_fd = load_raw(BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT_MULTI, 0, 0);
	CHECK(raw_fd >= 0, "untyped fexit: %d", raw_fd);
	CHECK_EQ(fill_targets(&m, big, 3), 0);
	errs_unset(errs, 3);
	fd = link_errs(raw_fd, BPF_TRACE_FEXIT_MULTI, &m, errs);
	printf("untyped fexit, 16-byte return values: %d %s", fd, m.log);
	CHECK_EQ(fd, -EOPNOTSUPP);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EOPNOTSUPP, -EINVAL }, 3), 0);
	CHECK(strstr(m.log, "target 1 (") &&
	      strstr(m.log, "tmulti_ret_u128 with a >8 byte return value") &&
	      strstr(m.log, "target 2 (") &&
	      strstr(m.log, "tmulti_ret_big return type STRUCT is unsupported") &&
	      !strstr(m.log, "target 0 ("), "log: %s", m.log);
	CHECK_EQ(count_links(prog_id(raw_fd)), 0);
	CHECK_EQ(module_refcnt(), refs);
	close(raw_fd);

	raw_fd = reload(skel->progs.fentry_noargs, BPF_TRACE_FENTRY_MULTI, 0, 0, NULL, 0);
	CHECK(raw_fd >= 0, "untyped fentry: %d", raw_fd);
	errs_unset(errs, 3);
	fd = link_errs(raw_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
	printf("untyped fentry, 16-byte return values: %d %s", fd, m.log);
	CHECK_EQ(fd, -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, 0, -EINVAL }, 3), 0);
	CHECK(strstr(m.log, "target 2 (") &&
	      strstr(m.log, "tmulti_ret_big return type STRUCT is unsupported") &&
	      !strstr(m.log, "target 0 (") && !strstr(m.log, "target 1 ("), "log: %s", m.log);
	m.cnt = 2;
	fd = link_errs(raw_fd, BPF_TRACE_FENTRY_MULTI, &m, NULL);
	CHECK(fd >= 0, "untyped fentry on tmulti_ret_u128: %d %s", fd, m.log);
	memset(skel->bss->hits, 0, sizeof(skel->bss->hits));
	CHECK_EQ(testmod_trigger(5), 0);
	CHECK_EQ(check_slots(skel, big, 2, 1), 0);
	close(fd);
	CHECK_EQ(count_links(prog_id(raw_fd)), 0);
	close(raw_fd);

	/* typed: fexit_int (int f(int), reads the return value), fentry_arg0 (reads arg0) */
	typed = load_one("fexit_int", BPF_TRACE_FEXIT_MULTI);
	CHECK(typed, "load fexit_int");
	errs_unset(errs, 2);
	fd = link_errs(bpf_program__fd(typed->progs.fexit_int), BPF_TRACE_FEXIT_MULTI, &m, errs);
	printf("typed fexit, tmulti_ret_u128: %d %s", fd, m.log);
	CHECK_EQ(fd, -EOPNOTSUPP);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EOPNOTSUPP }, 2), 0);
	CHECK(strstr(m.log, "target 1 (") && strstr(m.log, ">8 byte return value") &&
	      !strstr(m.log, "target 0 ("), "log: %s", m.log);
	CHECK_EQ(count_links(prog_id(bpf_program__fd(typed->progs.fexit_int))), 0);
	tracing_multi__destroy(typed);
	typed = load_one("fentry_arg0", BPF_TRACE_FENTRY_MULTI);
	CHECK(typed, "load fentry_arg0");
	CHECK_EQ(fill_targets(&m, u128, 1), 0);
	fd = link_targets(typed->progs.fentry_arg0, &m);
	CHECK(fd >= 0, "typed fentry on tmulti_ret_u128: %d %s", fd, m.log);
	CHECK_EQ(testmod_trigger(7), 0);
	CHECK_EQ(check_slots(typed, u128, 1, 1), 0);
	CHECK_EQ(typed->bss->arg0[0], 7);
	close(fd);
	tracing_multi__destroy(typed);
	CHECK_EQ(ftrace_enabled("tmulti_ret_u128"), 0);
	CHECK_EQ(module_refcnt(), refs);

	/*
	 * 4. A log buffer the kernel can't write: the refused target's errno, not EFAULT,
	 * and errs[] all the same; nothing to write on success. One too small: the target's
	 * errno, not ENOSPC, and the end of the log.
	 */
	CHECK_EQ(fill_targets(&m, t, 3), 0);
	m.ids[1] = 0;
	multi_attr(&attr, prog_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
	multi_attr_log(&attr, ro, 4096, 1);
	errs_unset(errs, 3);
	CHECK_EQ(link_create_byte(&attr, -1), -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EINVAL, 0 }, 3), 0);
	CHECK_EQ(ro[0], 0);
	CHECK_EQ(count_links(id), 0);
	multi_attr_log(&attr, small, sizeof(small), 1);
	memset(small, 'x', sizeof(small));
	errs_unset(errs, 3);
	CHECK_EQ(link_create_byte(&attr, -1), -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EINVAL, 0 }, 3), 0);
	CHECK(small[sizeof(small) - 1] == 0 &&
	      !strcmp(small, id0_line + strlen(id0_line) - (sizeof(small) - 1)),
	      "log of %zu bytes: \"%.*s\", expected the end of \"%s\"", sizeof(small),
	      (int)sizeof(small), small, id0_line);
	CHECK_EQ(count_links(id), 0);
	CHECK_EQ(fill_targets(&m, t, 3), 0);
	multi_attr_log(&attr, ro, 4096, 1);
	fd = link_create_byte(&attr, -1);
	CHECK(fd >= 0, "read-only log, good targets: %d", fd);
	close(fd);

	/* The log attributes BPF_PROG_LOAD refuses: EINVAL before the arrays are read */
	for (i = 0; i < (int)(sizeof(bad_logs) / sizeof(bad_logs[0])); i++) {
		multi_attr(&attr, prog_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
		multi_attr_log(&attr, bad_logs[i].buf ? log : NULL, bad_logs[i].size,
			       bad_logs[i].level);
		log[0] = 'x';
		errs_unset(errs, 3);
		fd = link_create_byte(&attr, -1);
		CHECK(fd == -EINVAL, "%s: %d, expected %d", bad_logs[i].what, fd, -EINVAL);
		CHECK(errs_written(errs, 3) == -1 && log[0] == 'x', "%s: errs or log written",
		      bad_logs[i].what);
	}
	/* ... and takes: log_level without a buffer (only its size would be known) */
	multi_attr(&attr, prog_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
	multi_attr_log(&attr, NULL, 0, 1);
	fd = link_create_byte(&attr, -1);
	CHECK(fd >= 0, "log_level 1 without log_buf: %d", fd);
	close(fd);
	m.ids[1] = 0;
	errs_unset(errs, 3);
	CHECK_EQ(link_create_byte(&attr, -1), -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ 0, -EINVAL, 0 }, 3), 0);
	CHECK_EQ(count_links(id), 0);

	/*
	 * 5. An errs array the kernel can't write: EFAULT when it has to (a target refused;
	 * the log still says why), not on success nor on an error before the arrays are read
	 */
	fd = link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, (__s32 *)ro);
	printf("read-only errs: %d %s", fd, m.log);
	CHECK_EQ(fd, -EFAULT);
	CHECK(strstr(m.log, id0_line), "log: %s", m.log);
	CHECK_EQ(count_links(id), 0);
	CHECK_EQ(ftrace_enabled("bpf_fentry_test1"), 0);
	CHECK_EQ(fill_targets(&m, t, 3), 0);
	fd = link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, (__s32 *)ro);
	CHECK(fd >= 0, "read-only errs, good targets: %d %s", fd, m.log);
	close(fd);
	m.cnt = 0;
	CHECK_EQ(link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, (__s32 *)ro), -EINVAL);
	CHECK_EQ(ro[0], 0);

	/* 6. link_create.flags and target_fd: not the multi-link's, must be 0 */
	CHECK_EQ(fill_targets(&m, t, 3), 0);
	for (i = 0; i < 3; i++) {
		multi_attr(&attr, prog_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
		if (i < 2)
			attr.link_create.flags = i ? 1u << 31 : 1;
		else
			attr.link_create.target_fd = module_btf_fd;
		errs_unset(errs, 3);
		fd = link_create_byte(&attr, -1);
		CHECK(fd == -EINVAL, "flags %#x target_fd %u: %d", attr.link_create.flags,
		      attr.link_create.target_fd, fd);
		CHECK_EQ(errs_written(errs, 3), -1);
	}
	CHECK_EQ(count_links(id), 0);

	/* 7. A vmlinux function's id with the module's BTF fd */
	CHECK_EQ(fill_targets(&m, vm_mod, 2), 0);
	m.fds[0] = module_btf_fd;
	errs_unset(errs, 2);
	fd = link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, errs);
	printf("vmlinux id, module BTF fd: %d %s", fd, m.log);
	CHECK_EQ(fd, -EINVAL);
	CHECK_EQ(check_errs(errs, (const __s32[]){ -EINVAL, 0 }, 2), 0);
	snprintf(want, sizeof(want), "target 0 (btf_id %u): btf_id %u (bpf_fentry_test1) %s\n",
		 m.ids[0], m.ids[0], "is a vmlinux type, not one of the module's BTF");
	CHECK(strstr(m.log, want) && !strstr(m.log, "target 1 ("), "log: %s", m.log);
	CHECK_EQ(module_refcnt(), refs);

	/* Nothing of all that was left: the targets link */
	CHECK_EQ(fill_targets(&m, t, 3), 0);
	fd = link_errs(prog_fd, BPF_TRACE_FENTRY_MULTI, &m, NULL);
	CHECK(fd >= 0, "link: %d %s", fd, m.log);
	CHECK_EQ(count_links(id), 1);
	close(fd);
	CHECK_EQ(count_links(id), 0);
	CHECK_EQ(ftrace_enabled(NULL), 0);
	CHECK_EQ(module_refcnt(), refs);
	free(log);
	munmap(ro, page);
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
	{ "untyped_load", untyped_load },
	{ "untyped_test_run", untyped_test_run },
	{ "reserved_attach_types", reserved_attach_types },
	{ "prog_info_attach_type", prog_info_attach_type },
	{ "notrace_enoent", notrace_enoent },
	{ "errs_array", errs_array },
	{ "fds_attach_btf", fds_attach_btf },
	{ "attr_padding", attr_padding },
	{ "several_links", several_links },
	{ "errno_table", errno_table },
	{ "rollback_scale_checks", rollback_scale_checks },
	{ "rollback_scale_link", rollback_scale_link },
	{ "stress", stress },
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
