// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: creates tracing multi-links for the bpftool CLI tests and pins them, then
 * prints what it asked the kernel for as JSON, so that a test can compare bpftool's
 * rendering of the kernel's answer with the request. By BPF_LINK_CREATE, not through
 * bpftool, whose attach-multi is tested on its own.
 *
 *   tmulti_pin DIR	on any kernel with tracing multi-links (mainline 7.2 too), with
 *			the untyped programs of attach_multi.bpf.c and link_create's
 *			{ids, cookies, cnt} alone, the ids in the program's attach BTF:
 *			pins DIR/fentry: fentry multi, loaded for vmlinux, on three
 *			vmlinux functions given out of BTF id order;
 *			pins DIR/module: fexit multi, loaded for the test module, on two
 *			of its functions;
 *			on a kernel with the series' extensions, also
 *			pins DIR/mixed: fentry multi, typed, on a vmlinux function, two
 *			module functions and a BPF program's subprogram;
 *			pins DIR/fmod_ret: fmod_ret multi on two module functions.
 *
 * Output: [{"pin", "attach_type", "prog_id", "btf_obj_id", "targets": [{"func", "module",
 * "btf_id", "target_prog_id", "cookie", "cookie_hex"}]}], targets in the order given;
 * btf_obj_id is the program's attach BTF; module is null for vmlinux and program
 * targets; cookie_hex because jq reads numbers as doubles.
 */
#include "testlib.h"
#include "attach_multi.skel.h"
#include "tracing_multi.skel.h"

#define MAX_TARGETS 4

struct target {
	const char *func;
	const char *module;	/* NULL: vmlinux; "": the target program */
	__u64 cookie;
};

static struct btf *vmlinux_btf, *module_btf, *target_prog_btf;
static int module_btf_fd = -1, target_prog_fd = -1;

/* The skeleton with only @name loaded, as a @type program (0: the section's type). */
static struct tracing_multi *load_one(const char *name, enum bpf_attach_type type)
{
	struct tracing_multi *skel = tracing_multi__open();
	struct bpf_program *prog;

	if (!skel)
		return NULL;
	bpf_object__for_each_program(prog, skel->obj) {
		bool mine = !strcmp(bpf_program__name(prog), name);

		bpf_program__set_autoload(prog, mine);
		if (mine && type)
			bpf_program__set_expected_attach_type(prog, type);
	}
	if (tracing_multi__load(skel)) {
		fprintf(stderr, "load %s: %d\n", name, -errno);
		tracing_multi__destroy(skel);
		return NULL;
	}
	return skel;
}

/*
 * Link @prog to @t (the ids of @t[i].module's BTF; with @ext, each with its object's fd
 * and a log), pin the link at @pin, print it as JSON.
 */
static int link_and_pin(const char *pin, struct bpf_program *prog, enum bpf_attach_type type,
			const struct target *t, int n, bool ext, bool first)
{
	__u32 ids[MAX_TARGETS], fds[MAX_TARGETS], obj_id = 0, btf_id;
	int i, fd, prog_fd = bpf_program__fd(prog);
	__u64 cookies[MAX_TARGETS];
	char log[4096] = "";
	struct btf *btf;

	for (i = 0; i < n; i++) {
		btf = !t[i].module ? vmlinux_btf : *t[i].module ? module_btf : target_prog_btf;
		ids[i] = btf__find_by_name_kind(btf, t[i].func, BTF_KIND_FUNC);
		fds[i] = !t[i].module ? 0 : *t[i].module ? module_btf_fd : target_prog_fd;
		cookies[i] = t[i].cookie;
		if ((int)ids[i] <= 0) {
			fprintf(stderr, "no BTF FUNC %s\n", t[i].func);
			return 1;
		}
	}
	if (ext)
		fd = link_multi_fd(prog_fd, type, n, ids, fds, cookies, log, sizeof(log));
	else
		fd = link_multi_fd(prog_fd, type, n, ids, NULL, cookies, NULL, 0);
	if (fd < 0) {
		fprintf(stderr, "link %s: %d %s\n", bpf_program__name(prog), fd, log);
		return 1;
	}
	if (bpf_obj_pin(fd, pin)) {
		fprintf(stderr, "pin %s: %d\n", pin, -errno);
		close(fd);
		return 1;
	}
	close(fd);
	if (prog_attach_btf_ids(prog_fd, &obj_id, &btf_id))
		return 1;

	printf("%s{\"pin\":\"%s\",\"attach_type\":\"%s\",\"prog_id\":%u,\"btf_obj_id\":%u,"
	       "\"targets\":[", first ? "" : ",", pin, libbpf_bpf_attach_type_str(type),
	       prog_id(prog_fd), obj_id);
	for (i = 0; i < n; i++) {
		printf("%s{\"func\":\"%s\",\"module\":", i ? "," : "", t[i].func);
		if (t[i].module && *t[i].module)
			printf("\"%s\"", t[i].module);
		else
			printf("null");
		printf(",\"btf_id\":%u,\"target_prog_id\":%u,\"cookie\":%llu,"
		       "\"cookie_hex\":\"%llx\"}", ids[i],
		       t[i].module && !*t[i].module ? prog_id(target_prog_fd) : 0,
		       (unsigned long long)cookies[i], (unsigned long long)cookies[i]);
	}
	printf("]}");
	return 0;
}

/* @prog_name of a fresh tracing_multi skeleton, typed as @type, linked by link_and_pin() */
static int pin_typed(const char *pin, const char *prog_name, enum bpf_attach_type type,
		     const struct target *t, int n)
{
	struct tracing_multi *skel = load_one(prog_name, type);
	int err;

	if (!skel)
		return 1;
	err = link_and_pin(pin, bpf_object__find_program_by_name(skel->obj, prog_name), type,
			   t, n, true, false);
	/* A pinned link keeps its program and target programs loaded. */
	tracing_multi__destroy(skel);
	return err;
}

/* The untyped links every kernel with tracing multi-links takes */
static int pin_untyped(const char *dir)
{
	static const struct target vmlinux[] = {
		{ "bpf_fentry_test3", NULL, 0x103 },
		{ "bpf_fentry_test1", NULL, 0xfffffffffffffffeULL },
		{ "bpf_fentry_test2", NULL, 0 },
	};
	static const struct target module[] = {
		{ "tmulti_test_long", TESTMOD_NAME, 2 },
		{ "tmulti_test_int", TESTMOD_NAME, 1 },
	};
	struct bpf_program *prog;
	struct attach_multi *skel;
	char pin[256];
	int err;

	skel = attach_multi__open();
	if (!skel)
		return 1;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == skel->progs.am_fentry ||
					  prog == skel->progs.am_mod_fexit);
	err = attach_multi__load(skel);
	if (err)
		fprintf(stderr, "load attach_multi: %d\n", err);
	snprintf(pin, sizeof(pin), "%s/fentry", dir);
	err = err ?: link_and_pin(pin, skel->progs.am_fentry, BPF_TRACE_FENTRY_MULTI, vmlinux,
				  3, false, true);
	snprintf(pin, sizeof(pin), "%s/module", dir);
	err = err ?: link_and_pin(pin, skel->progs.am_mod_fexit, BPF_TRACE_FEXIT_MULTI, module,
				  2, false, false);
	attach_multi__destroy(skel);
	return err;
}

int main(int argc, char **argv)
{
	static const struct target mixed[] = {
		{ "bpf_fentry_test1", NULL, 0x100 },
		{ "tmulti_test_int", TESTMOD_NAME, 0x101 },
		{ "subprog_target", "", 0x102 },
		{ "tmulti_test_sleepable", TESTMOD_NAME, 0xfffffffffffffffeULL },
	};
	static const struct target fmod_ret[] = {
		{ "tmulti_test_sleepable", TESTMOD_NAME, 7 },
		{ "tmulti_test_int", TESTMOD_NAME, 0 },
	};
	struct tracing_multi *target;
	char pin[256];
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	err = testmod_load();
	vmlinux_btf = btf__load_vmlinux_btf();
	module_btf = vmlinux_btf ? btf__load_module_btf(TESTMOD_NAME, vmlinux_btf) : NULL;
	module_btf_fd = btf_fd_by_name(TESTMOD_NAME);
	if (err || !module_btf || module_btf_fd < 0) {
		fprintf(stderr, "setup: module %d, module BTF %p fd %d\n", err, module_btf,
			module_btf_fd);
		return 1;
	}

	printf("[");
	err = pin_untyped(argv[1]);
	if (!err && kernel_has_tracing_multi_ext()) {
		target = load_one("xdp_target", 0);
		if (!target)
			return 1;
		target_prog_btf = bpf_object__btf(target->obj);
		target_prog_fd = bpf_program__fd(target->progs.xdp_target);
		snprintf(pin, sizeof(pin), "%s/mixed", argv[1]);
		err = pin_typed(pin, "fentry_arg0", BPF_TRACE_FENTRY_MULTI, mixed, 4);
		snprintf(pin, sizeof(pin), "%s/fmod_ret", argv[1]);
		err = err ?: pin_typed(pin, "fmod_int", BPF_MODIFY_RETURN_MULTI, fmod_ret, 2);
		tracing_multi__destroy(target);
	}
	printf("]\n");
	return err;
}
