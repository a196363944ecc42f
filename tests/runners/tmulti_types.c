// SPDX-License-Identifier: GPL-2.0
/*
 * A multi program is verified once, against its load-time target (the anchor), and
 * runs on every target of its link: each target must pass the arguments the program
 * reads as the very types the verifier assumed, and an fmod_ret multi program's return
 * value must mean the same in every target. Each test links targets that break this
 * (refused, the log naming the target and why) and targets that keep it (accepted).
 */
#include "testlib.h"
#include "tmulti_types.skel.h"

#define TYPES_TRIGGER "/sys/kernel/debug/" TESTMOD_NAME "/types"

static struct btf *vmlinux_btf, *module_btf;
static int module_btf_fd = -1, vmlinux_btf_fd = -1;
static char log_buf[4096];

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

/* Load only program @name, as a @type program, against @tgt's @func if @tgt is set. */
static struct tmulti_types *load(const char *name, enum bpf_attach_type type,
				 struct bpf_program *tgt, const char *func)
{
	struct tmulti_types *skel = tmulti_types__open();
	struct bpf_program *prog;
	int err = 0;

	if (!skel)
		return NULL;
	bpf_object__for_each_program(prog, skel->obj) {
		bool mine = !strcmp(bpf_program__name(prog), name);

		bpf_program__set_autoload(prog, mine);
		if (mine && type)
			err = err ?: bpf_program__set_expected_attach_type(prog, type);
		if (mine && tgt)
			err = err ?: bpf_program__set_attach_target(prog, bpf_program__fd(tgt), func);
	}
	if (err || tmulti_types__load(skel)) {
		fprintf(stderr, "load %s: %d\n", name, -errno);
		tmulti_types__destroy(skel);
		return NULL;
	}
	return skel;
}

/* One-target link of @prog to (@fd, @id): the link fd or -errno, the log in log_buf. */
static int link_one(struct bpf_program *prog, int fd, __u32 id)
{
	__u32 fds[1] = { fd }, ids[1] = { id };

	return link_multi_fd(bpf_program__fd(prog), bpf_program__expected_attach_type(prog),
			     1, ids, fds, NULL, log_buf, sizeof(log_buf));
}

/* The link must be refused with EINVAL and a log naming @func and saying @why. */
static int expect_refused(int link_fd, const char *func, const char *why)
{
	if (link_fd >= 0)
		close(link_fd);
	CHECK(link_fd == -EINVAL, "%s: link %d, expected -EINVAL; log: %s", func, link_fd, log_buf);
	CHECK(strstr(log_buf, "target 0 (btf_id ") && strstr(log_buf, func) &&
	      strstr(log_buf, why), "%s: the log does not say '%s': %s", func, why, log_buf);
	printf("%s refused: %s", func, log_buf);
	return 0;
}

static int expect_linked(int link_fd, const char *func)
{
	CHECK(link_fd >= 0, "%s: link %d; log: %s", func, link_fd, log_buf);
	printf("%s linked\n", func);
	return 0;
}

/* A FUNC of the module's own BTF (not one of vmlinux's it is split from) */
static int module_func(const char *name)
{
	__u32 i;

	for (i = btf__type_cnt(vmlinux_btf); i < btf__type_cnt(module_btf); i++) {
		const struct btf_type *t = btf__type_by_id(module_btf, i);

		if (btf_is_func(t) && !strcmp(btf__name_by_offset(module_btf, t->name_off), name))
			return i;
	}
	return -ENOENT;
}

static int vmlinux_func(const char *name)
{
	return btf__find_by_name_kind(vmlinux_btf, name, BTF_KIND_FUNC);
}

static long types_trigger(int a)
{
	char buf[32];
	long r = -1;
	FILE *f;
	int fd;

	fd = open(TYPES_TRIGGER, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(buf, sizeof(buf), "%d", a);
	if (write(fd, buf, strlen(buf)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	close(fd);
	f = fopen(TYPES_TRIGGER, "r");
	if (f && fscanf(f, "%ld", &r) != 1)
		r = -1;
	if (f)
		fclose(f);
	return r;
}

/*
 * Two structs named tmulti_dup in two C files of the module, of one size and other
 * layouts: a program that walks the one of tmulti_dup_a() must not run on tmulti_dup_b().
 */
static int dup_struct(void)
{
	struct tmulti_types *skel;
	int fd;

	CHECK_EQ(setup(), 0);
	skel = load("dup_walk", BPF_TRACE_FENTRY_MULTI, NULL, NULL);
	CHECK(skel, "load");
	fd = link_one(skel->progs.dup_walk, module_btf_fd, module_func("tmulti_dup_b"));
	if (fd >= 0) {
		types_trigger(7);
		fprintf(stderr, "linked: dup_walk read tmulti_dup_b.c's y through tmulti_dup_a.c's x: %ld\n",
			skel->bss->seen_x);
	}
	CHECK_EQ(expect_refused(fd, "tmulti_dup_b", "not the same type"), 0);

	/* the anchor's own struct: linked, and the program reads it */
	fd = link_one(skel->progs.dup_walk, module_btf_fd, module_func("tmulti_dup_a"));
	CHECK_EQ(expect_linked(fd, "tmulti_dup_a"), 0);
	CHECK(types_trigger(7) > 0, "trigger");
	CHECK_EQ(skel->bss->seen_x, 7);
	close(fd);
	tmulti_types__destroy(skel);
	return 0;
}

static int subprog_id(struct tmulti_types *skel, const char *name)
{
	return btf__find_by_name_kind(bpf_object__btf(skel->obj), name, BTF_KIND_FUNC);
}

static int run_prog(struct bpf_program *prog)
{
	char pkt[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = 1);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) ? -errno : 0;
}

/*
 * struct __sk_buff * is a struct sk_buff for a tc program, a struct bpf_flow_dissector
 * for a flow dissector: a program loaded against a tc program's main function reads
 * an sk_buff, and must not run on a flow dissector. A second tc program is fine.
 */
static int prog_ctx(void)
{
	struct tmulti_types *tgt, *skel;
	struct bpf_program *p;
	int fd;

	CHECK_EQ(setup(), 0);
	/* the three targets in one object, so that they share its BTF */
	tgt = tmulti_types__open();
	CHECK(tgt, "open");
	bpf_object__for_each_program(p, tgt->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), "tc_main") ||
					     !strcmp(bpf_program__name(p), "tc_other") ||
					     !strcmp(bpf_program__name(p), "fd_main"));
	CHECK(!tmulti_types__load(tgt), "load the target programs: %d", -errno);
	skel = load("ctx_walk", BPF_TRACE_FENTRY_MULTI, tgt->progs.tc_main, "tc_main");
	CHECK(skel, "load ctx_walk against tc_main");

	fd = link_one(skel->progs.ctx_walk, bpf_program__fd(tgt->progs.fd_main),
		      subprog_id(tgt, "fd_main"));
	if (fd >= 0) {
		run_prog(tgt->progs.fd_main);
		fprintf(stderr, "linked: ctx_walk read a bpf_flow_dissector as an sk_buff, len %ld\n",
			skel->bss->seen_len);
	}
	CHECK_EQ(expect_refused(fd, "fd_main", "bpf_flow_dissector"), 0);

	/* and no kernel function, whatever it takes */
	fd = link_one(skel->progs.ctx_walk, 0, vmlinux_func("consume_skb"));
	CHECK_EQ(expect_refused(fd, "consume_skb", "loaded for a BPF program"), 0);

	fd = link_one(skel->progs.ctx_walk, bpf_program__fd(tgt->progs.tc_other),
		      subprog_id(tgt, "tc_other"));
	CHECK_EQ(expect_linked(fd, "tc_other"), 0);
	CHECK_EQ(run_prog(tgt->progs.tc_other), 0);
	CHECK_EQ(skel->bss->hits, 1);
	CHECK_EQ(skel->bss->seen_len, 64);
	close(fd);
	tmulti_types__destroy(skel);
	tmulti_types__destroy(tgt);
	return 0;
}

/*
 * One struct through three BTF objects: the module's struct sk_buff * is vmlinux's type
 * (split BTF), and so is a tc program's struct __sk_buff * (its context). One program
 * verified against the module's tmulti_skb_len() reads skb->len in all three.
 */
static int same_struct(void)
{
	struct tmulti_types *tgt, *skel;
	__u32 ids[3], fds[3];
	__u64 cookies[3] = { 0, 1, 2 };
	int fd;

	CHECK_EQ(setup(), 0);
	tgt = load("tc_other", 0, NULL, NULL);
	skel = load("skb_walk", BPF_TRACE_FENTRY_MULTI, NULL, NULL);
	CHECK(tgt && skel, "load");
	ids[0] = module_func("tmulti_skb_len");
	fds[0] = module_btf_fd;
	/* fd 0 would be the program's attach BTF: the module's */
	ids[1] = vmlinux_func("consume_skb");
	fds[1] = vmlinux_btf_fd;
	ids[2] = subprog_id(tgt, "tc_other");
	fds[2] = bpf_program__fd(tgt->progs.tc_other);
	fd = link_multi_fd(bpf_program__fd(skel->progs.skb_walk), BPF_TRACE_FENTRY_MULTI, 3,
			   ids, fds, cookies, log_buf, sizeof(log_buf));
	CHECK(fd >= 0, "link: %d; log: %s", fd, log_buf);
	CHECK(types_trigger(7) > 0, "trigger");
	CHECK_EQ(skel->bss->lens[0], 7);
	CHECK_EQ(run_prog(tgt->progs.tc_other), 0);
	CHECK_EQ(skel->bss->lens[2], 64);
	close(fd);
	tmulti_types__destroy(skel);
	tmulti_types__destroy(tgt);
	return 0;
}

/*
 * A __user-tagged pointer is not the plain pointer the verifier typed: the anchor's
 * struct __sk_buff * against tc_tagged()'s struct __sk_buff __user *. (The kernel here
 * is built with gcc, whose BTF has no type tags: BPF programs are where tags exist.)
 */
static int type_tag(void)
{
	struct tmulti_types *tgt, *skel;
	int fd;

	tgt = load("tc_main", 0, NULL, NULL);
	CHECK(tgt, "load tc_main");
	skel = load("ctx_walk", BPF_TRACE_FENTRY_MULTI, tgt->progs.tc_main, "tc_main");
	CHECK(skel, "load ctx_walk against tc_main");

	fd = link_one(skel->progs.ctx_walk, bpf_program__fd(tgt->progs.tc_main),
		      subprog_id(tgt, "tc_tagged"));
	CHECK_EQ(expect_refused(fd, "tc_tagged", "tag"), 0);

	fd = link_one(skel->progs.ctx_walk, bpf_program__fd(tgt->progs.tc_main),
		      subprog_id(tgt, "tc_main"));
	CHECK_EQ(expect_linked(fd, "tc_main"), 0);
	CHECK_EQ(run_prog(tgt->progs.tc_main), 0);
	CHECK_EQ(skel->bss->seen_len, 64);
	close(fd);
	tmulti_types__destroy(skel);
	tmulti_types__destroy(tgt);
	return 0;
}

/*
 * fmod_ret multi writes the program's return value into every target: an int ERRNO
 * anchor's -ENOMEM must not reach a bool, a pointer, a void function or an int one that
 * error injection makes return true, although the program never reads the return value.
 */
static int fmod_ret(void)
{
	static const struct { const char *func, *why; } bad[] = {
		{ "tmulti_ret_bool", "return value" },
		{ "tmulti_ret_ptr", "return value" },
		{ "security_tmulti_void", "returns void" },
		{ "tmulti_ret_true", "TRUE" },
	};
	struct tmulti_types *skel;
	unsigned int i;
	int fd, failed = 0;

	CHECK_EQ(setup(), 0);
	/* a fresh program each time: refused links leave nothing of theirs behind anyway */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		skel = load("fmod_enomem", BPF_MODIFY_RETURN_MULTI, NULL, NULL);
		CHECK(skel, "load");
		fd = link_one(skel->progs.fmod_enomem, module_btf_fd, module_func(bad[i].func));
		failed |= expect_refused(fd, bad[i].func, bad[i].why);
		tmulti_types__destroy(skel);
	}
	CHECK(!failed, "fmod_ret targets of another return type or class were linked");

	skel = load("fmod_enomem", BPF_MODIFY_RETURN_MULTI, NULL, NULL);
	CHECK(skel, "load");
	/* int ERRNO, as the anchor: linked, and its callers see -ENOMEM */
	fd = link_one(skel->progs.fmod_enomem, module_btf_fd, module_func("tmulti_test_sleepable"));
	CHECK_EQ(expect_linked(fd, "tmulti_test_sleepable"), 0);
	skel->bss->fmod_trigger = 5;
	CHECK_EQ(testmod_trigger(5), 0);
	{
		long r[4];
		FILE *f = fopen(TESTMOD_TRIGGER, "r");

		CHECK(f && fscanf(f, "%ld %ld %ld %ld", &r[0], &r[1], &r[2], &r[3]) == 4, "results");
		fclose(f);
		CHECK_EQ(r[3], -12);
		CHECK_EQ(r[0], 6);
	}
	close(fd);
	tmulti_types__destroy(skel);
	return 0;
}

/*
 * The kernel finds a target's address by name: a name with two kallsyms symbols (two
 * static tmulti_namesake() of other prototypes) must be refused whichever BTF FUNC
 * names it (pahole keeps one or both), and a module BTF fd must not take a vmlinux id
 * (bpf_fentry_shadow_test() is in vmlinux and, with another prototype, in the module).
 */
static int names(void)
{
	struct tmulti_types *skel;
	int id, n = 0, fd, fd2, failed = 0;
	__u32 i;

	CHECK_EQ(setup(), 0);
	for (i = 1; i < btf__type_cnt(module_btf); i++) {
		const struct btf_type *t = btf__type_by_id(module_btf, i);

		if (!btf_is_func(t) || strcmp(btf__name_by_offset(module_btf, t->name_off),
					      "tmulti_namesake"))
			continue;
		n++;
		skel = load("no_args", BPF_TRACE_FENTRY_MULTI, NULL, NULL);
		CHECK(skel, "load");
		fd = link_one(skel->progs.no_args, module_btf_fd, i);
		failed |= expect_refused(fd, "tmulti_namesake", "ambiguous");
		tmulti_types__destroy(skel);
	}
	CHECK(n >= 1, "no BTF FUNC tmulti_namesake in the module");
	printf("%d BTF FUNCs named tmulti_namesake\n", n);

	skel = load("no_args", BPF_TRACE_FENTRY_MULTI, NULL, NULL);
	CHECK(skel, "load");
	id = vmlinux_func("bpf_fentry_shadow_test");
	CHECK(id > 0, "no bpf_fentry_shadow_test in vmlinux BTF");
	fd = link_one(skel->progs.no_args, module_btf_fd, id);
	if (fd >= 0) {
		types_trigger(1);
		fprintf(stderr, "linked: the vmlinux id ran on the module's function %ld times\n",
			skel->bss->hits);
	}
	failed |= expect_refused(fd, "bpf_fentry_shadow_test", "vmlinux");
	CHECK(!failed, "targets of ambiguous names were linked");
	tmulti_types__destroy(skel);

	/* each namesake through its own BTF */
	skel = load("no_args", BPF_TRACE_FENTRY_MULTI, NULL, NULL);
	CHECK(skel, "load");
	fd = link_one(skel->progs.no_args, module_btf_fd, module_func("bpf_fentry_shadow_test"));
	CHECK_EQ(expect_linked(fd, "bpf_fentry_shadow_test (module)"), 0);
	CHECK(types_trigger(1) > 0, "trigger");
	CHECK_EQ(skel->bss->hits, 1);
	/*
	 * and the vmlinux one by the vmlinux BTF fd (0 is the program's attach BTF, the
	 * module's), in a second link of the program: another function
	 */
	fd2 = link_one(skel->progs.no_args, vmlinux_btf_fd, id);
	CHECK_EQ(expect_linked(fd2, "bpf_fentry_shadow_test (vmlinux)"), 0);
	close(fd2);
	close(fd);
	tmulti_types__destroy(skel);
	return 0;
}

static const struct test tests[] = {
	{ "dup_struct", dup_struct },
	{ "prog_ctx", prog_ctx },
	{ "same_struct", same_struct },
	{ "type_tag", type_tag },
	{ "fmod_ret", fmod_ret },
	{ "names", names },
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
