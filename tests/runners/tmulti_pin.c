// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: creates tracing multi-links for the bpftool CLI tests (bpftool cannot
 * create them yet) and pins them, then prints what it asked the kernel for as JSON, so
 * a test can compare bpftool's rendering of the kernel's answer with the request.
 *
 *   tmulti_pin DIR	pins DIR/fentry: fentry multi on a vmlinux function, two module
 *			functions and a BPF program's subprogram;
 *			pins DIR/fmod_ret: fmod_ret multi on two module functions.
 *
 * Output: [{"pin", "attach_type", "prog_id", "targets": [{"func", "module", "btf_id",
 * "target_prog_id", "cookie", "cookie_hex"}]}]; module is null for vmlinux and program
 * targets; cookie_hex because jq reads numbers as doubles.
 */
#include "testlib.h"
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

/* Link @prog_name of a fresh skeleton to @t, pin the link at @pin, print it as JSON. */
static int pin_link(const char *pin, const char *prog_name, enum bpf_attach_type type,
		    const struct target *t, int n, bool first)
{
	__u32 ids[MAX_TARGETS], fds[MAX_TARGETS];
	__u64 cookies[MAX_TARGETS];
	struct tracing_multi *skel;
	struct bpf_program *prog;
	struct btf *btf;
	union bpf_attr attr;
	char log[4096] = "";
	int i, fd, err = 1;

	skel = load_one(prog_name, type);
	if (!skel)
		return 1;
	prog = bpf_object__find_program_by_name(skel->obj, prog_name);
	for (i = 0; i < n; i++) {
		btf = !t[i].module ? vmlinux_btf : *t[i].module ? module_btf : target_prog_btf;
		ids[i] = btf__find_by_name_kind(btf, t[i].func, BTF_KIND_FUNC);
		fds[i] = !t[i].module ? 0 : *t[i].module ? module_btf_fd : target_prog_fd;
		cookies[i] = t[i].cookie;
		if ((int)ids[i] <= 0) {
			fprintf(stderr, "no BTF FUNC %s\n", t[i].func);
			goto out;
		}
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = bpf_program__fd(prog);
	attr.link_create.attach_type = type;
	attr.link_create.tracing_multi.cnt = n;
	attr.link_create.tracing_multi.ids = (__u64)(unsigned long)ids;
	attr.link_create.tracing_multi.fds = (__u64)(unsigned long)fds;
	attr.link_create.tracing_multi.cookies = (__u64)(unsigned long)cookies;
	attr.link_create.tracing_multi.log_buf = (__u64)(unsigned long)log;
	attr.link_create.tracing_multi.log_size = sizeof(log);
	attr.link_create.tracing_multi.log_level = 1;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	if (fd < 0) {
		fprintf(stderr, "link %s: %d %s\n", prog_name, -errno, log);
		goto out;
	}
	if (bpf_obj_pin(fd, pin)) {
		fprintf(stderr, "pin %s: %d\n", pin, -errno);
		close(fd);
		goto out;
	}
	close(fd);

	printf("%s{\"pin\":\"%s\",\"attach_type\":\"%s\",\"prog_id\":%u,\"targets\":[",
	       first ? "" : ",", pin, libbpf_bpf_attach_type_str(type),
	       prog_id(bpf_program__fd(prog)));
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
	err = 0;
out:
	/* A pinned link keeps its program and target programs loaded. */
	tracing_multi__destroy(skel);
	return err;
}

int main(int argc, char **argv)
{
	static const struct target fentry[] = {
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
	target = load_one("xdp_target", 0);
	if (err || !module_btf || module_btf_fd < 0 || !target) {
		fprintf(stderr, "setup: module %d, module BTF %p fd %d, target prog %p\n",
			err, module_btf, module_btf_fd, target);
		return 1;
	}
	target_prog_btf = bpf_object__btf(target->obj);
	target_prog_fd = bpf_program__fd(target->progs.xdp_target);

	printf("[");
	snprintf(pin, sizeof(pin), "%s/fentry", argv[1]);
	err = pin_link(pin, "fentry_arg0", BPF_TRACE_FENTRY_MULTI, fentry, 4, true);
	snprintf(pin, sizeof(pin), "%s/fmod_ret", argv[1]);
	err = err ?: pin_link(pin, "fmod_int", BPF_MODIFY_RETURN_MULTI, fmod_ret, 2, false);
	printf("]\n");
	tracing_multi__destroy(target);
	return err;
}
