// SPDX-License-Identifier: GPL-2.0
/*
 * A light skeleton (bpftool gen skeleton -L) of a tracing multi program: it loads, its
 * __attach() leaves the program unattached instead of failing (its generated loader
 * can't resolve the section's targets, libbpf does that at attach time), and the
 * program then attaches with BPF_LINK_CREATE like any loaded multi program.
 */
#include "testlib.h"
#include "tmulti_autoattach.lskel.h"

static int lskel_attach(void)
{
	static const char *funcs[] = { "bpf_fentry_test1", "bpf_fentry_test2" };
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	struct tmulti_autoattach_lskel *skel;
	int i, id, prog_fd, link_fd;
	struct btf *btf;
	__u32 ids[2];

	btf = btf__load_vmlinux_btf();
	CHECK(btf, "vmlinux BTF: %d", -errno);
	for (i = 0; i < 2; i++) {
		id = btf__find_by_name_kind(btf, funcs[i], BTF_KIND_FUNC);
		CHECK(id > 0, "%s", funcs[i]);
		ids[i] = id;
	}
	btf__free(btf);

	skel = tmulti_autoattach_lskel__open_and_load();
	CHECK(skel, "open_and_load: %d", -errno);
	CHECK_EQ(tmulti_autoattach_lskel__attach(skel), 0);
	CHECK_EQ(skel->links.autoattach_multi_fd, 0);
	prog_fd = skel->progs.autoattach_multi.prog_fd;
	CHECK(prog_fd > 0, "prog fd %d", prog_fd);

	CHECK_EQ(bpf_prog_test_run_opts(prog_fd, &topts), 0);
	CHECK_EQ(skel->bss->runs, 0);
	link_fd = link_multi_fd(prog_fd, BPF_TRACE_FENTRY_MULTI, 2, ids, NULL, NULL, NULL, 0);
	CHECK(link_fd >= 0, "BPF_LINK_CREATE: %d", link_fd);
	CHECK_EQ(bpf_prog_test_run_opts(prog_fd, &topts), 0);
	CHECK_EQ(skel->bss->runs, 2);
	printf("light skeleton: loaded, __attach() 0 with no link, linked by fd: 2 runs\n");
	close(link_fd);
	tmulti_autoattach_lskel__destroy(skel);
	return 0;
}

static const struct test tests[] = {
	{ "attach", lskel_attach },
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
