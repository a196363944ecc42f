// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf's tracing multi-link API: fentry.multi/fexit.multi/fmod_ret.multi sections
 * auto-attached through the skeleton, bpf_program__attach_tracing_multi() with patterns,
 * names, module:func, cookies and explicit BTF IDs, every error with its errno and
 * message, the feature probe, and the cost of resolving names.
 */
#include <limits.h>
#include <time.h>
#include <bpf/libbpf_internal.h>
#include "testlib.h"
#include "tmulti_libbpf.skel.h"

#define MOD TESTMOD_NAME

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* libbpf's warnings of the last call, for the tests to check */
static char msgs[16384];
static size_t msgs_len;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	va_list copy;
	int n;

	if (level == LIBBPF_WARN) {
		va_copy(copy, args);
		n = vsnprintf(msgs + msgs_len, sizeof(msgs) - msgs_len, fmt, copy);
		va_end(copy);
		if (n > 0)
			msgs_len = msgs_len + n < sizeof(msgs) ? msgs_len + n : sizeof(msgs) - 1;
	}
	if (level == LIBBPF_DEBUG && !getenv("TEST_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void clear_msgs(void)
{
	msgs[0] = 0;
	msgs_len = 0;
}

/* The message of the failure, and that it names @what */
#define CHECK_MSG(what) CHECK(strstr(msgs, what), "no '%s' in libbpf's messages: %s", what, msgs)

/* Open the skeleton with only @prog_name to load. */
static struct tmulti_libbpf *open_one(const char *prog_name)
{
	struct tmulti_libbpf *skel = tmulti_libbpf__open();
	struct bpf_program *prog;

	if (!skel)
		return NULL;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), prog_name));
	return skel;
}

static struct tmulti_libbpf *load_one(const char *prog_name)
{
	struct tmulti_libbpf *skel = open_one(prog_name);

	if (skel && tmulti_libbpf__load(skel)) {
		fprintf(stderr, "load %s: %d\n", prog_name, -errno);
		tmulti_libbpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* A bare SEC("fentry.multi") program loaded against bpf_fentry_test1 */
static struct tmulti_libbpf *load_manual(const char *prog_name)
{
	struct tmulti_libbpf *skel = open_one(prog_name);
	struct bpf_program *prog;

	if (!skel)
		return NULL;
	prog = bpf_object__find_program_by_name(skel->obj, prog_name);
	if (bpf_program__set_attach_target(prog, 0, "bpf_fentry_test1") ||
	    tmulti_libbpf__load(skel)) {
		fprintf(stderr, "load %s: %d\n", prog_name, -errno);
		tmulti_libbpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/*
 * A bare SEC("fentry.multi") program: typed by bpf_program__set_attach_target() where
 * the kernel takes typed multi programs (load_manual()), untyped where it loads untyped
 * ones only (mainline 7.2).
 */
static struct tmulti_libbpf *load_bare(const char *prog_name)
{
	return kernel_has_tracing_multi_ext() ? load_manual(prog_name) : load_one(prog_name);
}

/*
 * On a kernel with mainline's tracing multi-link alone (7.2): @prog_name, typed by
 * @target if it is not NULL, fails to load with EINVAL (7.2 loads untyped fentry and
 * fexit multi programs only; BPF_MODIFY_RETURN_MULTI is past its last attach type).
 */
static int expect_load_refused(const char *prog_name, const char *target)
{
	struct tmulti_libbpf *skel = open_one(prog_name);
	int err;

	CHECK(skel, "open");
	if (target)
		CHECK_EQ(bpf_program__set_attach_target(bpf_object__find_program_by_name(skel->obj,
							prog_name), 0, target), 0);
	err = tmulti_libbpf__load(skel);
	tmulti_libbpf__destroy(skel);
	CHECK_EQ(err, -EINVAL);
	printf("%s%s%s: load refused by this kernel (%d)\n", prog_name, target ? " typed by " : "",
	       target ?: "", err);
	return 0;
}

/* How many runs of the program were for @func, all with cookie @cookie */
static int runs_of(struct tmulti_libbpf *skel, const char *func, __u64 cookie)
{
	unsigned long long addr = kallsyms_addr(func);
	__u32 i, n = 0;

	for (i = 0; i < skel->bss->runs && i < 64; i++) {
		if (skel->bss->ips[i] != addr)
			continue;
		if (skel->bss->cookies[i] != cookie) {
			fprintf(stderr, "%s: cookie %llu, expected %llu\n", func,
				(unsigned long long)skel->bss->cookies[i],
				(unsigned long long)cookie);
			return -1;
		}
		n++;
	}
	return n;
}

/* Index of the first run for @func, -1 if none */
static int run_index(struct tmulti_libbpf *skel, const char *func)
{
	unsigned long long addr = kallsyms_addr(func);
	__u32 i;

	for (i = 0; i < skel->bss->runs && i < 64; i++)
		if (skel->bss->ips[i] == addr)
			return i;
	return -1;
}

/*
 * The number of targets of tracing multi-link @link, as its fdinfo lists them, and as
 * bpf_link_info has it too where the kernel describes these links there (not 7.2):
 * -EPROTO if the two differ.
 */
static int link_target_count(struct bpf_link *link)
{
	int fd = bpf_link__fd(link), n = fdinfo_target_count(fd);
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_link_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_LINK_TYPE_TRACING_MULTI)
		return -EINVAL;
	if (kernel_has_tracing_multi_link_info() && (int)info.tracing_multi.count != n) {
		fprintf(stderr, "link info: %u targets, fdinfo: %d\n", info.tracing_multi.count, n);
		return -EPROTO;
	}
	return n;
}

/* SEC("fentry.multi/bpf_fentry_test?") through tmulti_libbpf__attach() */
static int skel_pattern(void)
{
	char name[32];
	int i;
	struct tmulti_libbpf *skel = load_one("pattern_noargs");

	CHECK(skel, "load");
	CHECK_EQ(tmulti_libbpf__attach(skel), 0);
	CHECK(skel->links.pattern_noargs, "no link");
	CHECK_EQ(link_target_count(skel->links.pattern_noargs), 9);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.pattern_noargs), 0);
	CHECK_EQ(skel->bss->runs, 9);
	for (i = 1; i <= 9; i++) {
		snprintf(name, sizeof(name), "bpf_fentry_test%d", i);
		CHECK(runs_of(skel, name, 0) == 1, "%s ran %d times", name, runs_of(skel, name, 0));
	}
	tmulti_libbpf__destroy(skel);
	return 0;
}

/*
 * module:func and module:pattern in a section, untyped: every tmulti_test_* function,
 * each run's arg0 and return value through the helpers. Typed by
 * bpf_program__set_attach_target() (tmulti_test_int), the same section reads them as
 * ints: the kernel refuses two of the pattern's functions by prototype, and libbpf
 * skips them; a kernel without typed multi programs (7.2) refuses the load.
 */
static int skel_module(void)
{
	/* what the trigger calls them with, and what they return, for 5 */
	static const struct { const char *func; long arg0, ret; } calls[] = {
		{ "tmulti_test_int", 5, 6 },
		{ "tmulti_test_long", 5, 1005 },
		{ "tmulti_test_obj", -1, 105 },		/* arg0: a pointer */
		{ "tmulti_test_sleepable", 5, 10 },
	};
	struct tmulti_libbpf *skel;
	struct bpf_program *prog;
	int i, j;

	CHECK_EQ(testmod_load(), 0);
	skel = load_one("module_fexit");
	CHECK(skel, "load");
	CHECK_EQ(tmulti_libbpf__attach(skel), 0);
	CHECK_EQ(link_target_count(skel->links.module_fexit), 4);
	CHECK_EQ(testmod_trigger(5), 0);
	CHECK_EQ(skel->bss->runs, 4);
	for (i = 0; i < 4; i++) {
		j = run_index(skel, calls[i].func);
		CHECK(j >= 0, "%s did not run", calls[i].func);
		CHECK(calls[i].arg0 < 0 || (long)skel->bss->args[j] == calls[i].arg0,
		      "%s: arg0 %lld, expected %ld", calls[i].func,
		      (long long)skel->bss->args[j], calls[i].arg0);
		CHECK((long)skel->bss->rets[j] == calls[i].ret, "%s: returned %lld, expected %ld",
		      calls[i].func, (long long)skel->bss->rets[j], calls[i].ret);
	}
	tmulti_libbpf__destroy(skel);

	if (!kernel_has_tracing_multi_ext())
		return expect_load_refused("module_fexit_typed", "tmulti_test_int");
	skel = open_one("module_fexit_typed");
	CHECK(skel, "open");
	prog = skel->progs.module_fexit_typed;
	CHECK_EQ(bpf_program__set_attach_target(prog, 0, "tmulti_test_int"), 0);
	CHECK_EQ(tmulti_libbpf__load(skel), 0);
	CHECK_EQ(tmulti_libbpf__attach(skel), 0);
	/*
	 * tmulti_test_int and _sleepable; not _obj (arg0 is a pointer) nor _long: its
	 * return value is in the slot after its second argument, not the second one
	 */
	CHECK_EQ(link_target_count(skel->links.module_fexit_typed), 2);
	CHECK_EQ(testmod_trigger(5), 0);
	CHECK_EQ(skel->bss->runs, 2);
	i = run_index(skel, "tmulti_test_int");
	CHECK(i >= 0, "tmulti_test_int did not run");
	CHECK_EQ(skel->bss->args[i], 5);
	CHECK_EQ(skel->bss->rets[i], 6);
	i = run_index(skel, "tmulti_test_sleepable");
	CHECK(i >= 0, "tmulti_test_sleepable did not run");
	CHECK_EQ(skel->bss->rets[i], 10);
	CHECK(run_index(skel, "tmulti_test_long") < 0, "tmulti_test_long ran");
	CHECK(run_index(skel, "tmulti_test_obj") < 0, "tmulti_test_obj ran");
	tmulti_libbpf__destroy(skel);
	return 0;
}

/* bpf_program__attach() of a bare SEC("fentry.multi"): nothing, and no error */
static int bare_section(void)
{
	struct tmulti_libbpf *skel = load_bare("manual_noargs");
	struct bpf_link *link;

	CHECK(skel, "load");
	CHECK_EQ(tmulti_libbpf__attach(skel), 0);
	CHECK(!skel->links.manual_noargs, "a bare SEC(\"fentry.multi\") was auto-attached");
	link = bpf_program__attach(skel->progs.manual_noargs);
	CHECK(!link && errno == EOPNOTSUPP, "bpf_program__attach(): %p, errno %d", link, errno);
	tmulti_libbpf__destroy(skel);
	return 0;
}

/* Names, module:func and cookies: each target reports its own ip and cookie */
static int names_cookies(void)
{
	static const char *syms[] = {
		"bpf_fentry_test3", "bpf_fentry_test1", "vmlinux:bpf_fentry_test7",
		MOD ":tmulti_test_int", MOD ":tmulti_test_obj",
	};
	static const char *funcs[] = {
		"bpf_fentry_test3", "bpf_fentry_test1", "bpf_fentry_test7",
		"tmulti_test_int", "tmulti_test_obj",
	};
	static const __u64 cookies[] = { 30, 10, 70, 100, 200 };
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts, .syms = syms, .cookies = cookies, .cnt = 5);
	struct tmulti_libbpf *skel;
	struct bpf_link *link;
	int i;

	CHECK_EQ(testmod_load(), 0);
	skel = load_manual("manual_noargs");
	CHECK(skel, "load");
	link = bpf_program__attach_tracing_multi(skel->progs.manual_noargs, NULL, &opts);
	CHECK(link, "attach: %d", -errno);
	CHECK_EQ(link_target_count(link), 5);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.manual_noargs), 0);
	CHECK_EQ(testmod_trigger(1), 0);
	CHECK_EQ(skel->bss->runs, 5);
	for (i = 0; i < 5; i++)
		CHECK(runs_of(skel, funcs[i], cookies[i]) == 1, "%s: %d runs with cookie %llu",
		      funcs[i], runs_of(skel, funcs[i], cookies[i]),
		      (unsigned long long)cookies[i]);
	bpf_link__destroy(link);
	tmulti_libbpf__destroy(skel);
	return 0;
}

/* vmlinux BTF, the test module's BTF and its fd; -1 if one is missing */
static int load_test_btfs(struct btf **vmlinux_btf, struct btf **mod_btf)
{
	*vmlinux_btf = btf__load_vmlinux_btf();
	*mod_btf = *vmlinux_btf ? btf__load_module_btf(MOD, *vmlinux_btf) : NULL;
	if (!*vmlinux_btf || !*mod_btf)
		return -1;
	return btf_fd_by_name(MOD);
}

/* opts.ids + opts.fds, as the kernel takes them */
static int btf_ids_fds(void)
{
	struct btf *vmlinux_btf, *mod_btf;
	struct tmulti_libbpf *skel;
	struct bpf_link *link;
	__u32 ids[2], fds[2];
	__u64 cookies[2] = { 7, 8 };
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts, .ids = ids, .fds = fds,
		    .cookies = cookies, .cnt = 2);
	int mod_fd;

	CHECK_EQ(testmod_load(), 0);
	mod_fd = load_test_btfs(&vmlinux_btf, &mod_btf);
	CHECK(mod_fd >= 0, "vmlinux BTF, " MOD " BTF and its fd");
	ids[0] = btf__find_by_name_kind(vmlinux_btf, "bpf_fentry_test2", BTF_KIND_FUNC);
	ids[1] = btf__find_by_name_kind(mod_btf, "tmulti_test_long", BTF_KIND_FUNC);
	fds[0] = 0;
	fds[1] = mod_fd;

	skel = load_manual("manual_arg0");
	CHECK(skel, "load");
	link = bpf_program__attach_tracing_multi(skel->progs.manual_arg0, NULL, &opts);
	CHECK(link, "attach: %d", -errno);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.manual_arg0), 0);
	CHECK_EQ(testmod_trigger(12), 0);
	CHECK_EQ(skel->bss->runs, 2);
	CHECK_EQ(runs_of(skel, "bpf_fentry_test2", 7), 1);
	CHECK_EQ(runs_of(skel, "tmulti_test_long", 8), 1);
	CHECK_EQ(skel->bss->args[run_index(skel, "bpf_fentry_test2")], 2);
	CHECK_EQ(skel->bss->args[run_index(skel, "tmulti_test_long")], 12);
	bpf_link__destroy(link);
	tmulti_libbpf__destroy(skel);
	close(mod_fd);
	btf__free(mod_btf);
	btf__free(vmlinux_btf);
	return 0;
}

/* Sleepable and fmod_ret sections, auto-attached */
static int sleepable_fmod_ret(void)
{
	struct tmulti_libbpf *skel;
	char buf[96];
	long r0;
	FILE *f;

	CHECK_EQ(testmod_load(), 0);
	skel = load_one("sleepable_module");
	CHECK(skel, "load sleepable");
	CHECK_EQ(tmulti_libbpf__attach(skel), 0);
	CHECK_EQ(testmod_trigger(3), 0);
	CHECK_EQ(skel->bss->runs, 1);
	CHECK_EQ(skel->bss->args[0], 3);
	tmulti_libbpf__destroy(skel);

	skel = load_one("fmod_ret_module");
	CHECK(skel, "load fmod_ret");
	CHECK_EQ(tmulti_libbpf__attach(skel), 0);
	CHECK_EQ(testmod_trigger(42), 0);
	f = fopen(TESTMOD_TRIGGER, "r");
	CHECK(f, "results");
	CHECK(fgets(buf, sizeof(buf), f), "read results");
	fclose(f);
	r0 = strtol(buf, NULL, 0);
	CHECK_EQ(r0, 1000);		/* cookie 0 */
	tmulti_libbpf__destroy(skel);
	return 0;
}

/* Attach with @pattern/@opts, expect failure with @err and a message naming @what */
static int expect_fail(struct bpf_program *prog, const char *pattern,
		       const struct bpf_tracing_multi_opts *opts, int err, const char *what)
{
	struct bpf_link *link;

	clear_msgs();
	link = bpf_program__attach_tracing_multi(prog, pattern, opts);
	if (link) {
		bpf_link__destroy(link);
		fprintf(stderr, "attach %s succeeded\n", pattern ?: "(opts)");
		return 1;
	}
	CHECK(errno == err, "%s: errno %d, expected %d; %s", pattern ?: what, errno, err, msgs);
	CHECK_MSG(what);
	printf("%s -> %d: %s", pattern ?: "(opts)", -err, msgs);
	return 0;
}

static int errors(void)
{
	static const char *one[] = { "bpf_fentry_test1" };
	static const char *twice[] = { "bpf_fentry_test1", "bpf_fentry_test1" };
	static const char *notrace[] = { MOD ":tmulti_bad_notrace" };
	static const char *args13[] = { MOD ":tmulti_bad_13_args" };
	static const char *big[] = { MOD ":tmulti_bad_big_arg" };
	static const char *mismatch[] = { "bpf_fentry_test1", MOD ":tmulti_test_obj" };
	static const char *deny[] = { "bpf_fentry_test1", "migrate_disable" };
	static const __u32 ids[] = { 1 };
	static const __u32 two_ids[] = { 1, 1 };
	static const __u32 fds[] = { 0 };
	static const __u64 cookies[] = { 1 };
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts);
	struct tmulti_libbpf *skel, *single;
	struct bpf_program *p;
	struct bpf_link *link, *link2;

	CHECK_EQ(testmod_load(), 0);
	libbpf_set_print(capture_print);
	skel = load_manual("manual_arg0");
	CHECK(skel, "load");
	p = skel->progs.manual_arg0;

	/* bad combinations of arguments */
	CHECK_EQ(expect_fail(p, NULL, NULL, EINVAL, "give a pattern, or opts.syms or opts.ids"), 0);
	opts.syms = one;
	opts.cnt = 1;
	CHECK_EQ(expect_fail(p, "bpf_fentry_test1", &opts, EINVAL,
			     "give a pattern, or opts.syms or opts.ids"), 0);
	opts.cnt = 0;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "opts.cnt is 0"), 0);
	opts.syms = NULL;
	opts.cookies = cookies;
	CHECK_EQ(expect_fail(p, "bpf_fentry_test1", &opts, EINVAL, "with a pattern"), 0);
	opts.cookies = NULL;
	opts.fds = fds;
	opts.syms = one;
	opts.cnt = 1;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "opts.fds goes with opts.ids"), 0);
	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);

	/* malformed patterns, names and modules that aren't there */
	CHECK_EQ(expect_fail(p, "bpf_fentry_test1,,bpf_fentry_test2", NULL, EINVAL,
			     "invalid tracing multi target"), 0);
	CHECK_EQ(expect_fail(p, ":bpf_fentry_test1", NULL, EINVAL, "invalid tracing multi target"),
		 0);
	CHECK_EQ(expect_fail(p, "no_such_function_*", NULL, EINVAL,
			     "pattern 'no_such_function_*' matches no traceable function"), 0);
	CHECK_EQ(expect_fail(p, "bpf_fentry_test1,no_such_function", NULL, ENOENT,
			     "function 'no_such_function' not found"), 0);
	CHECK_EQ(expect_fail(p, "no_such_module:*", NULL, ENOENT,
			     "no BTF for module 'no_such_module'"), 0);

	/* named functions that can't be traced: the function and why */
	opts.cnt = 1;
	opts.syms = notrace;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "not in available_filter_functions"), 0);
	CHECK_MSG("tmulti_bad_notrace");
	opts.syms = args13;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "more than 12 arguments"), 0);
	CHECK_MSG("tmulti_bad_13_args");
	opts.syms = big;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "unsupported argument type"), 0);
	CHECK_MSG("tmulti_bad_big_arg");
	/* ... and in a pattern, by name */
	CHECK_EQ(expect_fail(p, "bpf_fentry_test1," MOD ":tmulti_bad_notrace", NULL, EINVAL,
			     "'" MOD ":tmulti_bad_notrace': not in available_filter_functions"), 0);
	/* ... refused by the kernel: the function and the kernel's reason */
	opts.cnt = 2;
	opts.syms = mismatch;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "can't attach to '" MOD ":tmulti_test_obj'"),
		 0);
	CHECK_MSG("arg0");
	opts.syms = deny;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "migrate_disable"), 0);
	opts.syms = twice;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "'bpf_fentry_test1' is listed twice"), 0);
	/* a pattern whose every match the kernel refuses */
	CHECK_EQ(expect_fail(p, MOD ":tmulti_test_ob?", NULL, ENOENT,
			     "the kernel can trace none of the functions matched (1 skipped)"), 0);
	/* explicit BTF IDs the kernel refuses: the target and the kernel's reason */
	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.ids = ids;	/* the first type of vmlinux BTF is no function */
	opts.cnt = 1;
	CHECK_EQ(expect_fail(p, NULL, &opts, EINVAL, "can't attach to 'target 0 (btf_id 1)'"), 0);
	/*
	 * More targets than the kernel takes (1 << 20, as for kprobe_multi): refused before
	 * the arrays are read (two entries here, as mainline's selftest does with INT_MAX).
	 */
	opts.ids = two_ids;
	opts.cnt = (1 << 20) + 1;
	CHECK_EQ(expect_fail(p, NULL, &opts, E2BIG, "the kernel takes at most"), 0);
	opts.cnt = INT_MAX;
	CHECK_EQ(expect_fail(p, NULL, &opts, E2BIG, "the kernel takes at most"), 0);

	/* not a multi program, not loaded */
	single = load_one("single_fentry");
	CHECK(single, "load single");
	CHECK_EQ(expect_fail(single->progs.single_fentry, "bpf_fentry_test1", NULL, EINVAL,
			     "not a tracing multi program (attach type trace_fentry)"), 0);
	tmulti_libbpf__destroy(single);
	single = open_one("single_fentry");
	CHECK(single, "open single");
	CHECK_EQ(expect_fail(single->progs.manual_arg0, "bpf_fentry_test1", NULL, EINVAL,
			     "was it loaded?"), 0);
	tmulti_libbpf__destroy(single);

	/*
	 * After all this, the program still attaches; again to other functions, not to
	 * one it is attached to (the message names it), and again once the link is gone.
	 */
	clear_msgs();
	link = bpf_program__attach_tracing_multi(p, "bpf_fentry_test1", NULL);
	CHECK(link, "attach: %d %s", -errno, msgs);
	/* bpf_fentry_test2() is the other one whose arg0 is an int, as manual_arg0 reads */
	link2 = bpf_program__attach_tracing_multi(p, "bpf_fentry_test2", NULL);
	CHECK(link2, "second link, another function: %d %s", -errno, msgs);
	CHECK_EQ(expect_fail(p, "bpf_fentry_test1", NULL, EBUSY,
			     "can't attach to 'bpf_fentry_test1'"), 0);
	CHECK_EQ(trigger_fentry_test_funcs(p), 0);
	CHECK_EQ(skel->bss->runs, 2);
	CHECK_EQ(run_index(skel, "bpf_fentry_test4"), -1);
	bpf_link__destroy(link);
	clear_msgs();
	link = bpf_program__attach_tracing_multi(p, "bpf_fentry_test1", NULL);
	CHECK(link, "attach again: %d %s", -errno, msgs);
	CHECK_EQ(trigger_fentry_test_funcs(p), 0);
	CHECK_EQ(skel->bss->runs, 4);
	bpf_link__destroy(link2);
	bpf_link__destroy(link);
	tmulti_libbpf__destroy(skel);
	return 0;
}

/*
 * No link of the program left, and enabled_functions back to @enabled0 entries (a
 * trampoline is released after an RCU grace period: wait up to 2 s).
 */
static int nothing_left(int prog_fd, int enabled0)
{
	int i, now = enabled_functions();

	CHECK_EQ(count_links(prog_id(prog_fd)), 0);
	for (i = 0; i < 200 && now != enabled0; i++) {
		usleep(10000);
		now = enabled_functions();
	}
	CHECK(now == enabled0, "enabled_functions lists %d functions, %d before", now, enabled0);
	return 0;
}

/* What opts.target_fn and opts.skip_fn were told */
struct seen_target {
	char func[64];		/* "" if given by BTF ID */
	char module[64];	/* "" for vmlinux */
	__u32 btf_id, fd;
	__u64 cookie;
	size_t elem;
};

struct seen {
	struct seen_target t[128];
	int cnt;
	char skipped[64][128];	/* "module:func", ":func" for vmlinux */
	int skip_cnt;
	int no_reason;		/* skip_fn calls with no reason */
};

static int seen_target_fn(const struct bpf_tracing_multi_target *target, void *ctx)
{
	struct seen *s = ctx;
	struct seen_target *t;

	if (s->cnt >= (int)ARRAY_SIZE(s->t))
		return -E2BIG;
	t = &s->t[s->cnt++];
	snprintf(t->func, sizeof(t->func), "%s", target->func ?: "");
	snprintf(t->module, sizeof(t->module), "%s", target->module ?: "");
	t->btf_id = target->btf_id;
	t->fd = target->fd;
	t->cookie = target->cookie;
	t->elem = target->elem;
	return 0;
}

static int seen_skip_fn(const char *func, const char *module, const char *reason, void *ctx)
{
	struct seen *s = ctx;

	if (s->skip_cnt >= (int)ARRAY_SIZE(s->skipped))
		return -E2BIG;
	snprintf(s->skipped[s->skip_cnt++], sizeof(s->skipped[0]), "%s:%s", module ?: "", func);
	s->no_reason += !reason || !*reason;
	return 0;
}

/* The target of @func in @module ("" for vmlinux), NULL if none; *n: how many there are */
static const struct seen_target *seen_find(const struct seen *s, const char *func,
					   const char *module, int *n)
{
	const struct seen_target *found = NULL;
	int i;

	*n = 0;
	for (i = 0; i < s->cnt; i++) {
		if (strcmp(s->t[i].func, func) || strcmp(s->t[i].module, module))
			continue;
		found = found ?: &s->t[i];
		(*n)++;
	}
	return found;
}

/* How many times skip_fn was told of @module:@func */
static int seen_skipped(const struct seen *s, const char *module, const char *func)
{
	char want[128];
	int i, n = 0;

	snprintf(want, sizeof(want), "%s:%s", module, func);
	for (i = 0; i < s->skip_cnt; i++)
		n += !strcmp(s->skipped[i], want);
	return n;
}

/* 0, or 1 and which if target_fn reported a function (by name) twice */
static int seen_dups(const struct seen *s)
{
	int i, n;

	for (i = 0; i < s->cnt; i++) {
		if (!s->t[i].func[0])
			continue;
		seen_find(s, s->t[i].func, s->t[i].module, &n);
		CHECK(n == 1, "%s:%s reported %d times", s->t[i].module, s->t[i].func, n);
	}
	return 0;
}

/*
 * By fd, a glob and a name it matches too, in either order: the name takes its function
 * over (its cookie, its element), the glob's cookie goes to all the others, and each
 * function is linked once.
 */
static int byfd_globs_cookies(void)
{
	static const char *syms[2][2] = {
		{ "bpf_fentry_test*", "bpf_fentry_test3" },
		{ "bpf_fentry_test3", "bpf_fentry_test*" },
	};
	static const __u64 cookies[2][2] = { { 10, 33 }, { 33, 10 } };
	static struct seen s;
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts, .cnt = 2, .target_fn = seen_target_fn,
		    .ctx = &s);
	const struct seen_target *t;
	struct tmulti_libbpf *skel;
	int prog_fd, enabled0, fd, r, i, n;
	size_t name_elem;
	bool three;
	char name[32];

	skel = load_manual("manual_noargs");
	CHECK(skel, "load");
	prog_fd = bpf_program__fd(skel->progs.manual_noargs);
	CHECK(prog_id(prog_fd), "prog id");
	enabled0 = enabled_functions();
	for (r = 0; r < 2; r++) {
		name_elem = r ? 0 : 1;
		opts.syms = syms[r];
		opts.cookies = cookies[r];
		memset(&s, 0, sizeof(s));
		skel->bss->runs = 0;
		fd = libbpf_tracing_multi_link_create(prog_fd, BPF_TRACE_FENTRY_MULTI, NULL, &opts);
		CHECK(fd > 0, "%s, %s: %d", syms[r][0], syms[r][1], fd);
		/* target_fn was told of the link's targets, each once */
		CHECK_EQ(fdinfo_target_count(fd), s.cnt);
		CHECK_EQ(seen_dups(&s), 0);
		for (i = 0; i < s.cnt; i++) {
			t = &s.t[i];
			three = !strcmp(t->func, "bpf_fentry_test3");
			CHECK(!strncmp(t->func, "bpf_fentry_test", strlen("bpf_fentry_test")) &&
			      !t->module[0], "target '%s:%s'", t->module, t->func);
			CHECK(t->cookie == (three ? 33 : 10) &&
			      t->elem == (three ? name_elem : 1 - name_elem),
			      "%s, %s: %s has cookie %llu, elem %zu", syms[r][0], syms[r][1],
			      t->func, (unsigned long long)t->cookie, t->elem);
		}
		CHECK_EQ(trigger_fentry_test_funcs(skel->progs.manual_noargs), 0);
		for (i = 1; i <= 9; i++) {
			snprintf(name, sizeof(name), "bpf_fentry_test%d", i);
			seen_find(&s, name, "", &n);
			CHECK(n == 1, "%s, %s: %s reported %d times", syms[r][0], syms[r][1], name,
			      n);
			n = runs_of(skel, name, i == 3 ? 33 : 10);
			CHECK(n == 1, "%s, %s: %s ran %d times with its cookie", syms[r][0],
			      syms[r][1], name, n);
		}
		close(fd);
		CHECK_EQ(nothing_left(prog_fd, enabled0), 0);
	}
	tmulti_libbpf__destroy(skel);
	return 0;
}

/*
 * libbpf_tracing_multi_link_create() of the 2 elements @syms fails with @err and a
 * message naming @what, fills errs[] as @want, and leaves nothing behind.
 */
static int expect_byfd_fail(int prog_fd, const char **syms, int err, const __s32 *want,
			    const char *what, int enabled0)
{
	__s32 errs[2] = { 1, 1 };	/* no error value: each entry must be written */
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts, .syms = syms, .cnt = 2, .errs = errs);
	int fd;

	clear_msgs();
	errno = 0;
	fd = libbpf_tracing_multi_link_create(prog_fd, BPF_TRACE_FENTRY_MULTI, NULL, &opts);
	CHECK(fd == -err && errno == err, "%s, %s: %d, errno %d, expected %d; %s", syms[0],
	      syms[1], fd, errno, -err, msgs);
	CHECK(errs[0] == want[0] && errs[1] == want[1], "%s, %s: errs {%d, %d}, expected {%d, %d}",
	      syms[0], syms[1], errs[0], errs[1], want[0], want[1]);
	CHECK_MSG(what);
	printf("%s, %s -> %d: %s", syms[0], syms[1], fd, msgs);
	return nothing_left(prog_fd, enabled0);
}

/* By fd, opts.errs: which element failed and with what, the others 0 */
static int byfd_errs(void)
{
	static const char *missing[] = { "bpf_fentry_test1", "no_such_function_xyz" };
	static const char *twice[] = { "bpf_fentry_test1", "bpf_fentry_test1" };
	static const char *nothing_new[] = { "bpf_fentry_test*", "bpf_fentry_test?" };
	static const char *deny[] = { "bpf_fentry_test1", "migrate_disable" };
	struct tmulti_libbpf *skel;
	int prog_fd, enabled0;

	libbpf_set_print(capture_print);
	skel = load_manual("manual_noargs");
	CHECK(skel, "load");
	prog_fd = bpf_program__fd(skel->progs.manual_noargs);
	CHECK(prog_id(prog_fd), "prog id");
	enabled0 = enabled_functions();

	CHECK_EQ(expect_byfd_fail(prog_fd, missing, ENOENT, (const __s32[]){ 0, -ENOENT },
				  "no_such_function_xyz", enabled0), 0);
	/* the program's name, which libbpf has from the kernel only */
	CHECK_MSG("prog 'manual_noargs'");
	CHECK_EQ(expect_byfd_fail(prog_fd, twice, EINVAL, (const __s32[]){ 0, -EINVAL },
				  "'bpf_fentry_test1' is listed twice", enabled0), 0);
	/* every function the second glob matches, the first one named already */
	CHECK_EQ(expect_byfd_fail(prog_fd, nothing_new, EINVAL, (const __s32[]){ 0, -EINVAL },
				  "bpf_fentry_test?", enabled0), 0);
	/* refused by the kernel (deny list): its errs[] entry goes to the element */
	CHECK_EQ(expect_byfd_fail(prog_fd, deny, EINVAL, (const __s32[]){ 0, -EINVAL },
				  "migrate_disable", enabled0), 0);
	tmulti_libbpf__destroy(skel);
	return 0;
}

/*
 * By fd, opts.syms and opts.ids together: element i is syms[i] unless it is NULL, else
 * ids[i] in fds[i]. A vmlinux name and a vmlinux ID without fds, then a module name and
 * a module ID in its BTF fd; each with its element's cookie.
 */
static int byfd_mixed(void)
{
	static const char *syms[2][2] = {
		{ "bpf_fentry_test1", NULL },
		{ MOD ":tmulti_test_int", NULL },
	};
	static const char *funcs[2][2] = {
		{ "bpf_fentry_test1", "bpf_fentry_test2" },
		{ "tmulti_test_int", "tmulti_test_long" },
	};
	static const __u64 cookies[2][2] = { { 1, 2 }, { 3, 4 } };
	static const int args[2][2] = { { 1, 2 }, { 12, 12 } };
	static struct seen s;
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts, .cnt = 2, .target_fn = seen_target_fn,
		    .ctx = &s);
	struct btf *vmlinux_btf, *mod_btf, *btf;
	const struct seen_target *t;
	struct tmulti_libbpf *skel;
	__u32 ids[2], fds[2];
	int prog_fd, enabled0, mod_fd, fd, r, i, n, name_id;

	CHECK_EQ(testmod_load(), 0);
	mod_fd = load_test_btfs(&vmlinux_btf, &mod_btf);
	CHECK(mod_fd >= 0, "vmlinux BTF, " MOD " BTF and its fd");
	skel = load_manual("manual_arg0");
	CHECK(skel, "load");
	prog_fd = bpf_program__fd(skel->progs.manual_arg0);
	CHECK(prog_id(prog_fd), "prog id");
	enabled0 = enabled_functions();

	for (r = 0; r < 2; r++) {
		btf = r ? mod_btf : vmlinux_btf;
		name_id = btf__find_by_name_kind(btf, funcs[r][0], BTF_KIND_FUNC);
		CHECK(name_id > 0, "no %s in BTF", funcs[r][0]);
		ids[0] = 0;
		ids[1] = btf__find_by_name_kind(btf, funcs[r][1], BTF_KIND_FUNC);
		CHECK((int)ids[1] > 0, "no %s in BTF", funcs[r][1]);
		fds[0] = 0;
		fds[1] = r ? mod_fd : 0;
		opts.syms = syms[r];
		opts.ids = ids;
		opts.fds = r ? fds : NULL;
		opts.cookies = cookies[r];
		memset(&s, 0, sizeof(s));
		skel->bss->runs = 0;
		fd = libbpf_tracing_multi_link_create(prog_fd, BPF_TRACE_FENTRY_MULTI, NULL, &opts);
		CHECK(fd > 0, "%s and %s by ID: %d", syms[r][0], funcs[r][1], fd);
		CHECK_EQ(fdinfo_target_count(fd), 2);
		CHECK_EQ(s.cnt, 2);
		t = seen_find(&s, funcs[r][0], r ? MOD : "", &n);
		CHECK(n == 1, "%s reported %d times", funcs[r][0], n);
		CHECK(t->btf_id == (__u32)name_id && t->cookie == cookies[r][0] && t->elem == 0,
		      "%s: btf_id %u (%d), cookie %llu, elem %zu", funcs[r][0], t->btf_id, name_id,
		      (unsigned long long)t->cookie, t->elem);
		/* given by ID: no name, the ID and fd as given */
		t = seen_find(&s, "", "", &n);
		CHECK(n == 1, "%d targets with no name", n);
		CHECK(t->btf_id == ids[1] && t->fd == fds[1] && t->cookie == cookies[r][1] &&
		      t->elem == 1, "%s: btf_id %u (%u), fd %u (%u), cookie %llu, elem %zu",
		      funcs[r][1], t->btf_id, ids[1], t->fd, fds[1],
		      (unsigned long long)t->cookie, t->elem);

		if (r)
			CHECK_EQ(testmod_trigger(12), 0);
		else
			CHECK_EQ(trigger_fentry_test_funcs(skel->progs.manual_arg0), 0);
		CHECK_EQ(skel->bss->runs, 2);
		for (i = 0; i < 2; i++) {
			n = runs_of(skel, funcs[r][i], cookies[r][i]);
			CHECK(n == 1, "%s ran %d times with cookie %llu", funcs[r][i], n,
			      (unsigned long long)cookies[r][i]);
			CHECK_EQ(skel->bss->args[run_index(skel, funcs[r][i])], args[r][i]);
		}
		close(fd);
		CHECK_EQ(nothing_left(prog_fd, enabled0), 0);
	}
	tmulti_libbpf__destroy(skel);
	close(mod_fd);
	btf__free(mod_btf);
	btf__free(vmlinux_btf);
	return 0;
}

/*
 * By fd with opts.dry_run: the targets go to target_fn (their element's cookie, the BTF
 * ID of their name), what the globs leave out to skip_fn (the test module's tmulti_bad_*
 * functions can't be traced), and nothing is linked; a pattern's targets are element 0.
 * bpf_program__attach_tracing_multi() refuses dry_run.
 */
static int byfd_dry_run(void)
{
	static const char *syms[] = { "bpf_fentry_test?", MOD ":tmulti_*" };
	static const char * const good[] = {
		"tmulti_test_int", "tmulti_test_long", "tmulti_test_obj", "tmulti_test_sleepable",
	};
	static const char * const bad[] = {
		"tmulti_bad_notrace", "tmulti_bad_13_args", "tmulti_bad_big_arg",
	};
	static const __u64 cookies[] = { 5, 6 };
	static struct seen s;
	LIBBPF_OPTS(bpf_tracing_multi_opts, opts, .syms = syms, .cookies = cookies, .cnt = 2,
		    .target_fn = seen_target_fn, .skip_fn = seen_skip_fn, .ctx = &s,
		    .dry_run = true);
	LIBBPF_OPTS(bpf_tracing_multi_opts, popts, .target_fn = seen_target_fn, .ctx = &s,
		    .dry_run = true);
	struct btf *vmlinux_btf, *mod_btf;
	const struct seen_target *t;
	struct tmulti_libbpf *skel;
	struct bpf_link *link;
	int prog_fd, id, enabled0, err, i, n;
	char name[32];
	bool vm;

	CHECK_EQ(testmod_load(), 0);
	vmlinux_btf = btf__load_vmlinux_btf();
	CHECK(vmlinux_btf, "vmlinux BTF");
	mod_btf = btf__load_module_btf(MOD, vmlinux_btf);
	CHECK(mod_btf, "module BTF");
	skel = load_manual("manual_noargs");
	CHECK(skel, "load");
	prog_fd = bpf_program__fd(skel->progs.manual_noargs);
	id = prog_id(prog_fd);
	CHECK(id, "prog id");
	enabled0 = enabled_functions();

	err = libbpf_tracing_multi_link_create(prog_fd, BPF_TRACE_FENTRY_MULTI, NULL, &opts);
	CHECK_EQ(err, 0);
	CHECK_EQ(count_links(id), 0);
	CHECK_EQ(enabled_functions(), enabled0);
	CHECK_EQ(trigger_fentry_test_funcs(skel->progs.manual_noargs), 0);
	CHECK_EQ(testmod_trigger(1), 0);
	CHECK_EQ(skel->bss->runs, 0);

	CHECK_EQ(seen_dups(&s), 0);
	for (i = 0; i < s.cnt; i++) {
		t = &s.t[i];
		vm = !t->module[0];
		/* vmlinux by name: fd 0; a module's: the fd of its BTF */
		if (vm)
			CHECK(!strncmp(t->func, "bpf_fentry_test", strlen("bpf_fentry_test")) &&
			      t->elem == 0 && t->cookie == 5 && !t->fd,
			      "target '%s': elem %zu, cookie %llu, fd %u", t->func, t->elem,
			      (unsigned long long)t->cookie, t->fd);
		else
			CHECK(!strcmp(t->module, MOD) && t->elem == 1 && t->cookie == 6 && t->fd,
			      "target '%s:%s': elem %zu, cookie %llu, fd %u", t->module, t->func,
			      t->elem, (unsigned long long)t->cookie, t->fd);
		CHECK(t->btf_id == (__u32)btf__find_by_name_kind(vm ? vmlinux_btf : mod_btf,
								 t->func, BTF_KIND_FUNC),
		      "%s: btf_id %u", t->func, t->btf_id);
		CHECK(!seen_skipped(&s, t->module, t->func), "%s is a target, and skipped",
		      t->func);
	}
	for (i = 1; i <= 9; i++) {
		snprintf(name, sizeof(name), "bpf_fentry_test%d", i);
		seen_find(&s, name, "", &n);
		CHECK(n == 1, "%s reported %d times", name, n);
	}
	for (i = 0; i < (int)ARRAY_SIZE(good); i++) {
		seen_find(&s, good[i], MOD, &n);
		CHECK(n == 1, "%s reported %d times", good[i], n);
	}
	for (i = 0; i < (int)ARRAY_SIZE(bad); i++)
		CHECK(seen_skipped(&s, MOD, bad[i]) == 1, "%s skipped %d times", bad[i],
		      seen_skipped(&s, MOD, bad[i]));
	CHECK_EQ(s.no_reason, 0);
	printf("dry run: %d targets, %d skipped\n", s.cnt, s.skip_cnt);

	/* a pattern: its targets are element 0, with no cookie */
	memset(&s, 0, sizeof(s));
	err = libbpf_tracing_multi_link_create(prog_fd, BPF_TRACE_FENTRY_MULTI,
					       "bpf_fentry_test?", &popts);
	CHECK_EQ(err, 0);
	CHECK_EQ(s.cnt, 9);
	for (i = 0; i < s.cnt; i++)
		CHECK(!s.t[i].elem && !s.t[i].cookie, "%s: elem %zu, cookie %llu", s.t[i].func,
		      s.t[i].elem, (unsigned long long)s.t[i].cookie);
	CHECK_EQ(count_links(id), 0);

	/* only the by-fd function makes no link */
	memset(&s, 0, sizeof(s));
	errno = 0;
	link = bpf_program__attach_tracing_multi(skel->progs.manual_noargs, NULL, &opts);
	CHECK(!link && errno == EINVAL, "attach with dry_run: %p, errno %d", link, errno);
	CHECK_EQ(s.cnt, 0);
	CHECK_EQ(count_links(id), 0);
	tmulti_libbpf__destroy(skel);
	btf__free(mod_btf);
	btf__free(vmlinux_btf);
	return 0;
}

static int prog_attach_btf(struct bpf_program *prog, __u32 *obj_id, __u32 *btf_id)
{
	return prog_attach_btf_ids(bpf_program__fd(prog), obj_id, btf_id);
}

/*
 * fentry.multi and fexit.multi sections load untyped: attach_btf_id is the kernel's stub
 * bpf_multi_func (a vmlinux id), the attach BTF vmlinux, or the module all the section's
 * functions are in. fmod_ret.multi needs a load-time target: the first function the
 * section resolves to (a kernel without fmod_ret multi, 7.2, refuses the load). A section
 * that matches nothing loads, and fails to attach.
 */
static int load_target(void)
{
	struct btf *vmlinux_btf, *mod_btf;
	struct tmulti_libbpf *skel;
	__u32 obj_id = 0, btf_id = 0, mod_obj_id;
	struct bpf_link *link;
	int stub, mod_fd;

	CHECK_EQ(testmod_load(), 0);
	mod_fd = load_test_btfs(&vmlinux_btf, &mod_btf);
	CHECK(mod_fd >= 0, "vmlinux BTF, " MOD " BTF and its fd");
	stub = btf__find_by_name_kind(vmlinux_btf, "bpf_multi_func", BTF_KIND_FUNC);
	CHECK(stub > 0, "no bpf_multi_func in vmlinux BTF");
	mod_obj_id = btf_obj_id(mod_fd);
	CHECK(mod_obj_id, "module BTF id");
	close(mod_fd);

	skel = load_one("pattern_noargs");
	CHECK(skel, "load");
	CHECK_EQ(prog_attach_btf(skel->progs.pattern_noargs, &obj_id, &btf_id), 0);
	CHECK_EQ(obj_id, 1);				/* vmlinux */
	CHECK_EQ(btf_id, stub);
	tmulti_libbpf__destroy(skel);

	skel = load_one("module_fexit");
	CHECK(skel, "load");
	CHECK_EQ(prog_attach_btf(skel->progs.module_fexit, &obj_id, &btf_id), 0);
	CHECK_EQ(btf_id, stub);
	CHECK_EQ(obj_id, mod_obj_id);
	tmulti_libbpf__destroy(skel);

	if (kernel_has_tracing_multi_ext()) {
		skel = load_one("fmod_ret_module");
		CHECK(skel, "load");
		CHECK_EQ(prog_attach_btf(skel->progs.fmod_ret_module, &obj_id, &btf_id), 0);
		CHECK_EQ(btf_id, btf__find_by_name_kind(mod_btf, "tmulti_test_int",
							BTF_KIND_FUNC));
		CHECK_EQ(obj_id, mod_obj_id);
		tmulti_libbpf__destroy(skel);
	} else {
		CHECK_EQ(expect_load_refused("fmod_ret_module", NULL), 0);
	}

	libbpf_set_print(capture_print);
	skel = load_one("nothing_matches");
	CHECK(skel, "load");
	clear_msgs();
	link = bpf_program__attach(skel->progs.nothing_matches);
	CHECK(!link && errno == EINVAL, "attach: %p, errno %d", link, errno);
	CHECK_MSG("prog 'nothing_matches': pattern 'no_such_function_*' matches no traceable function");
	tmulti_libbpf__destroy(skel);
	btf__free(mod_btf);
	btf__free(vmlinux_btf);
	return 0;
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Resolving 1000 names costs a hash lookup per name in an index built once, in one
 * pass over each BTF: well under 50 ms of CPU. Building the index, loading the BTFs
 * and reading available_filter_functions (the kernel formats ~22k lines) are
 * measured apart.
 */
static int resolve_cost(void)
{
	struct tracing_multi_targets all = {}, t = {};
	struct tracing_multi_index *index;
	struct btf *vmlinux_btf;
	struct module_btf *mods = NULL;
	size_t mod_cnt = 0, mod_cap = 0, i;
	double t0, t_btf, t_index, t_avail, t_names;
	const char **names;

	CHECK_EQ(testmod_load(), 0);
	t0 = cpu_ms();
	vmlinux_btf = btf__load_vmlinux_btf();
	CHECK(vmlinux_btf, "vmlinux BTF");
	CHECK_EQ(libbpf_load_module_btfs(vmlinux_btf, &mods, &mod_cnt, &mod_cap), 0);
	t_btf = cpu_ms() - t0;

	t0 = cpu_ms();
	index = tracing_multi_index__new(vmlinux_btf, mods, mod_cnt,
					 "/sys/kernel/tracing/available_filter_functions");
	CHECK(!libbpf_get_error(index), "index: %ld", libbpf_get_error(index));
	t_index = cpu_ms() - t0;

	/* 1000 traceable functions to name; the first lookup reads the file */
	t0 = cpu_ms();
	CHECK_EQ(tracing_multi_resolve(index, "cost", "*", NULL, 0, &all, 1000), 0);
	t_avail = cpu_ms() - t0;
	CHECK_EQ(all.cnt, 1000);
	names = calloc(1000, sizeof(*names));
	CHECK(names, "calloc");
	for (i = 0; i < 1000; i++) {
		char *n = malloc(strlen(all.names[i]) + 64);

		CHECK(n, "malloc");
		sprintf(n, "%s%s%s", all.mods[i] ?: "", all.mods[i] ? ":" : "", all.names[i]);
		names[i] = n;
	}

	t0 = cpu_ms();
	CHECK_EQ(tracing_multi_resolve(index, "cost", NULL, names, 1000, &t, 0), 0);
	t_names = cpu_ms() - t0;
	CHECK_EQ(t.cnt, 1000);
	for (i = 0; i < 1000; i++)
		CHECK(t.ids[i] == all.ids[i] && t.fds[i] == all.fds[i],
		      "%s resolved to %u/%u, the pattern to %u/%u", names[i], t.ids[i],
		      t.fds[i], all.ids[i], all.fds[i]);

	printf("CPU ms: load kernel BTFs %.1f, index %.1f, pattern '*' (1000) incl. reading available_filter_functions %.1f, 1000 names %.1f\n",
	       t_btf, t_index, t_avail, t_names);
	CHECK(t_names < 50, "1000 names: %.1f ms of CPU", t_names);

	for (i = 0; i < 1000; i++)
		free((char *)names[i]);
	free(names);
	tracing_multi_targets__free(&t);
	tracing_multi_targets__free(&all);
	tracing_multi_index__free(index);
	for (i = 0; i < mod_cnt; i++)
		module_btf_free(&mods[i]);
	free(mods);
	btf__free(vmlinux_btf);
	return 0;
}

/*
 * The feature probe (an untyped load) says yes here for fentry and fexit multi, and
 * multi programs load and attach with no message about it. Asked about an attach type
 * this kernel refuses for a tracing program, or one of mainline's values the series
 * reserves (EINVAL at load), it says no; mainline (7.2) has fsession multi.
 */
static int probe(void)
{
	bool series = kernel_has_tracing_multi_ext();
	struct tmulti_libbpf *skel;
	struct bpf_link *link;

	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_TRACE_FENTRY_MULTI), 1);
	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_TRACE_FEXIT_MULTI), 1);
	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_TRACE_KPROBE_SESSION), 0);
	/* mainline's values: single fsession is typed, the probe's untyped load fails */
	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_TRACE_FSESSION), 0);
	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_TRACE_FSESSION_MULTI), !series);

	libbpf_set_print(capture_print);
	clear_msgs();
	skel = load_bare("manual_noargs");
	CHECK(skel, "load: %d %s", -errno, msgs);
	link = bpf_program__attach_tracing_multi(skel->progs.manual_noargs, "bpf_fentry_test1",
						 NULL);
	CHECK(link, "attach: %d %s", -errno, msgs);
	CHECK(!strstr(msgs, "no tracing multi-link support"), "%s", msgs);
	bpf_link__destroy(link);
	tmulti_libbpf__destroy(skel);
	return 0;
}

/* How many lines of libbpf's warnings of the last call contain @what, or are @what */
static int msg_lines(const char *what, bool exact)
{
	const char *p = msgs, *end;
	char line[512];
	int n = 0, len;

	for (; *p; p += len + !!end) {
		end = strchr(p, '\n');
		len = end ? end - p : (int)strlen(p);
		snprintf(line, sizeof(line), "%.*s", len, p);
		if (exact ? !strcmp(line, what) : !!strstr(line, what))
			n++;
	}
	return n;
}

#define NO_SUPPORT "this kernel has no tracing multi-link support"

/* One line says why, and it is libbpf's line naming the program */
#define CHECK_ONE_NO_SUPPORT_LINE(prog_name) do {					\
	CHECK_EQ(msg_lines(NO_SUPPORT, false), 1);					\
	CHECK_EQ(msg_lines("libbpf: prog '" prog_name "': " NO_SUPPORT, true), 1);	\
} while (0)

/*
 * Only on a kernel WITHOUT the series (tests/suite-stock, make check-stock; it fails on
 * the patched kernel): the feature probe says no for the three attach types, and every
 * way in fails with -EOPNOTSUPP and one line naming the program: loading a multi program
 * (skeleton), bpf_program__attach_tracing_multi() on a loaded program (twice: the probe's
 * answer is cached), and the by-fd path bpftool uses.
 */
static int no_kernel_support(void)
{
	struct tmulti_libbpf *skel;
	struct bpf_link *link;
	int i, err;

	/* on a failed check the process exits, and with it what it loaded */
	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_TRACE_FENTRY_MULTI), 0);
	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_TRACE_FEXIT_MULTI), 0);
	CHECK_EQ(probe_tracing_multi_attach_type(0, BPF_MODIFY_RETURN_MULTI), 0);
	/*
	 * (The probe loads an untyped program, attach_btf_id 0, which no stock attach type
	 * of a tracing program takes: there is no stock yes to compare with.)
	 */

	libbpf_set_print(capture_print);

	clear_msgs();
	skel = open_one("pattern_noargs");
	CHECK(skel, "open: %d", -errno);
	err = tmulti_libbpf__load(skel);
	tmulti_libbpf__destroy(skel);
	CHECK_EQ(err, -EOPNOTSUPP);
	CHECK_ONE_NO_SUPPORT_LINE("pattern_noargs");
	printf("skeleton load -> %d: %s", err, msgs);

	skel = load_one("single_fentry");
	CHECK(skel, "load single_fentry: %s", msgs);
	for (i = 0; i < 2; i++) {
		clear_msgs();
		errno = 0;
		link = bpf_program__attach_tracing_multi(skel->progs.single_fentry,
							 "bpf_fentry_test1", NULL);
		CHECK(!link, "attach %d succeeded", i);
		err = -errno;
		CHECK_EQ(err, -EOPNOTSUPP);
		CHECK_ONE_NO_SUPPORT_LINE("single_fentry");
		printf("attach %d -> %d: %s", i, err, msgs);
	}

	clear_msgs();
	err = libbpf_tracing_multi_link_create(bpf_program__fd(skel->progs.single_fentry),
					       BPF_TRACE_FENTRY_MULTI, "bpf_fentry_test1", NULL);
	tmulti_libbpf__destroy(skel);
	CHECK_EQ(err, -EOPNOTSUPP);
	CHECK_ONE_NO_SUPPORT_LINE("single_fentry");
	printf("link create by fd -> %d: %s", err, msgs);
	return 0;
}

static const struct test tests[] = {
	{ "skel_pattern", skel_pattern },
	{ "skel_module", skel_module },
	{ "bare_section", bare_section },
	{ "names_cookies", names_cookies },
	{ "btf_ids_fds", btf_ids_fds },
	{ "sleepable_fmod_ret", sleepable_fmod_ret },
	{ "errors", errors },
	{ "byfd_globs_cookies", byfd_globs_cookies },
	{ "byfd_errs", byfd_errs },
	{ "byfd_mixed", byfd_mixed },
	{ "byfd_dry_run", byfd_dry_run },
	{ "load_target", load_target },
	{ "resolve_cost", resolve_cost },
	{ "probe", probe },
	{ "no_kernel_support", no_kernel_support },
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
