// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: creates tracing multi-links as mainline 7.2 takes them and pins them, then
 * prints what it asked the kernel for as JSON, so that a test can compare bpftool's
 * rendering of the kernel's answer with the request (cli/mainline_link_show.sh; make
 * check-mainline). Untyped programs of mainline_multi.bpf.c, link_create.tracing_multi
 * {ids, cookies, cnt} only, the ids in the program's attach BTF; without bpftool, whose
 * attach-multi is tested on its own.
 *
 *   tmulti_mainline_pin DIR	pins DIR/fentry: fentry multi, loaded for vmlinux, on
 *				three vmlinux functions, given out of BTF id order;
 *				pins DIR/module: fexit multi, loaded for the test module,
 *				on two of its functions.
 *
 * Output: [{"pin", "attach_type", "prog_id", "targets": [{"func", "module", "btf_id",
 * "cookie", "cookie_hex"}]}], targets in the order given; module is null for vmlinux;
 * cookie_hex because jq reads numbers as doubles.
 */
#include "testlib.h"
#include "mainline_multi.skel.h"

#define MAX_TARGETS 4

struct target {
	const char *func;
	__u64 cookie;
};

/* Link @prog to @t (functions of @btf), pin the link at @pin, print it as JSON. */
static int pin_link(const char *pin, struct bpf_program *prog, const struct btf *btf,
		    const char *module, const struct target *t, int n, bool first)
{
	enum bpf_attach_type type = bpf_program__expected_attach_type(prog);
	__u32 ids[MAX_TARGETS];
	__u64 cookies[MAX_TARGETS];
	int i, id, fd;

	for (i = 0; i < n; i++) {
		id = btf__find_by_name_kind(btf, t[i].func, BTF_KIND_FUNC);
		if (id <= 0) {
			fprintf(stderr, "no BTF FUNC %s\n", t[i].func);
			return 1;
		}
		ids[i] = id;
		cookies[i] = t[i].cookie;
	}
	fd = link_multi_fd(bpf_program__fd(prog), type, n, ids, NULL, cookies, NULL, 0);
	if (fd < 0) {
		fprintf(stderr, "link %s: %d\n", bpf_program__name(prog), fd);
		return 1;
	}
	if (bpf_obj_pin(fd, pin)) {
		fprintf(stderr, "pin %s: %d\n", pin, -errno);
		close(fd);
		return 1;
	}
	close(fd);

	printf("%s{\"pin\":\"%s\",\"attach_type\":\"%s\",\"prog_id\":%u,\"targets\":[",
	       first ? "" : ",", pin, libbpf_bpf_attach_type_str(type),
	       prog_id(bpf_program__fd(prog)));
	for (i = 0; i < n; i++) {
		printf("%s{\"func\":\"%s\",\"module\":", i ? "," : "", t[i].func);
		if (module)
			printf("\"%s\"", module);
		else
			printf("null");
		printf(",\"btf_id\":%u,\"cookie\":%llu,\"cookie_hex\":\"%llx\"}", ids[i],
		       (unsigned long long)cookies[i], (unsigned long long)cookies[i]);
	}
	printf("]}");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct target vmlinux[] = {
		{ "bpf_fentry_test3", 0x103 },
		{ "bpf_fentry_test1", 0xfffffffffffffffeULL },
		{ "bpf_fentry_test2", 0 },
	};
	static const struct target module[] = {
		{ "tmulti_test_long", 2 },
		{ "tmulti_test_int", 1 },
	};
	struct btf *vmlinux_btf, *module_btf = NULL;
	struct bpf_program *prog;
	struct mainline_multi *skel;
	char pin[256];
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	err = testmod_load();
	vmlinux_btf = btf__load_vmlinux_btf();
	if (vmlinux_btf)
		module_btf = btf__load_module_btf(TESTMOD_NAME, vmlinux_btf);
	skel = mainline_multi__open();
	if (err || !module_btf || !skel) {
		fprintf(stderr, "setup: module %d, module BTF %p, skeleton %p\n", err,
			module_btf, skel);
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == skel->progs.ml_fentry ||
					  prog == skel->progs.ml_mod_fexit);
	if (mainline_multi__load(skel)) {
		fprintf(stderr, "load: %d\n", -errno);
		return 1;
	}

	printf("[");
	snprintf(pin, sizeof(pin), "%s/fentry", argv[1]);
	err = pin_link(pin, skel->progs.ml_fentry, vmlinux_btf, NULL, vmlinux, 3, true);
	snprintf(pin, sizeof(pin), "%s/module", argv[1]);
	err = err ?: pin_link(pin, skel->progs.ml_mod_fexit, module_btf, TESTMOD_NAME, module, 2,
			      false);
	printf("]\n");
	/* A pinned link keeps its program loaded. */
	mainline_multi__destroy(skel);
	btf__free(module_btf);
	btf__free(vmlinux_btf);
	return err;
}
