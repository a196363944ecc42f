// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the tracing multi-link, through the raw BPF_LINK_CREATE syscall:
 * targets in vmlinux, the test module and mixed, arguments, return values, fmod_ret,
 * cookies and function addresses per target, link info and fdinfo, every errno of the
 * ABI (docs/uapi.md), rollback, co-existence with single fentry links, detach.
 */
#include <sys/stat.h>
#include "testlib.h"
#include "tracing_multi.skel.h"

#define SLOTS 16

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

static int btf_fd_by_name(const char *name)
{
	struct bpf_btf_info info;
	char buf[64];
	__u32 id = 0, len;
	int fd;

	while (!bpf_btf_get_next_id(id, &id)) {
		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = (__u64)(unsigned long)buf;
		info.name_len = sizeof(buf);
		len = sizeof(info);
		if (!bpf_btf_get_info_by_fd(fd, &info, &len) && !strcmp(buf, name))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

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

/* BPF_LINK_CREATE with attr.link_create.tracing_multi; returns the link fd or -errno. */
static int link_multi(struct bpf_program *prog, __u32 cnt, const __u32 *ids,
		      const __u32 *fds, const __u64 *cookies, char *log, __u32 log_size)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = bpf_program__fd(prog);
	attr.link_create.attach_type = bpf_program__expected_attach_type(prog);
	attr.link_create.tracing_multi.cnt = cnt;
	attr.link_create.tracing_multi.btf_ids = (__u64)(unsigned long)ids;
	attr.link_create.tracing_multi.tgt_fds = (__u64)(unsigned long)fds;
	attr.link_create.tracing_multi.cookies = (__u64)(unsigned long)cookies;
	if (log) {
		log[0] = 0;
		attr.link_create.tracing_multi.log_buf = (__u64)(unsigned long)log;
		attr.link_create.tracing_multi.log_size = log_size;
		attr.link_create.tracing_multi.log_level = 1;
	}
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
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

static unsigned long long kallsyms_addr(const char *func)
{
	char line[512], name[256];
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %*c %255s", &addr, name) == 2 && !strcmp(name, func)) {
			fclose(f);
			return addr;
		}
	}
	fclose(f);
	return 0;
}

static int module_refcnt(void)
{
	FILE *f = fopen("/sys/module/" TESTMOD_NAME "/refcnt", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* Lines of enabled_functions naming @func (its trampoline or ftrace ops). */
static int ftrace_enabled(const char *func)
{
	FILE *f = fopen("/sys/kernel/tracing/enabled_functions", "r");
	char line[512];
	size_t n = strlen(func);
	int hits = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		hits += !strncmp(line, func, n) && line[n] == ' ';
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
static int errors(void)
{
	static const struct target t[] = { { "bpf_fentry_test1" }, { "bpf_fentry_test2" } };
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
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
