// SPDX-License-Identifier: GPL-2.0
/*
 * The stock attach paths the project builds on, checked on the VM kernel: fentry/fexit on
 * vmlinux and module functions (arguments, return values, hit counts, module pinned while
 * attached) and kprobe_multi over a glob.
 */
#include "testlib.h"
#include "fentry_vmlinux.skel.h"
#include "fentry_module.skel.h"
#include "kprobe_multi_glob.skel.h"

#define RUNS 5

static int fentry_vmlinux(void)
{
	struct fentry_vmlinux *skel;
	int i, ret = 1;

	skel = fentry_vmlinux__open_and_load();
	CHECK(skel, "open_and_load: %d", -errno);
	if (fentry_vmlinux__attach(skel)) {
		fprintf(stderr, "attach: %d\n", -errno);
		goto out;
	}
	for (i = 0; i < RUNS; i++)
		if (trigger_fentry_test_funcs(skel->progs.test1_entry)) {
			fprintf(stderr, "test_run failed\n");
			goto out;
		}
	ret = skel->bss->entry_hits != RUNS || skel->bss->entry_arg != 1 ||
	      skel->bss->exit_hits != RUNS || skel->bss->exit_arg != 1 ||
	      skel->bss->exit_ret != 2;
	if (ret)
		fprintf(stderr, "entry hits %llu arg %llu, exit hits %llu arg %llu ret %llu; "
			"expected %d 1, %d 1 2\n", skel->bss->entry_hits, skel->bss->entry_arg,
			skel->bss->exit_hits, skel->bss->exit_arg, skel->bss->exit_ret, RUNS, RUNS);
out:
	fentry_vmlinux__destroy(skel);
	return ret;
}

static int check_module_hits(struct fentry_module *skel)
{
	int i;

	for (i = 1; i <= RUNS; i++)
		CHECK_EQ(testmod_trigger(i * 10), 0);
	CHECK_EQ(skel->bss->entry_hits, RUNS);
	CHECK_EQ(skel->bss->entry_arg, RUNS * 10);
	CHECK_EQ(skel->bss->exit_hits, RUNS);
	/* tmulti_test_long(a, 1000) returns a + 1000 */
	CHECK_EQ(skel->bss->exit_ret, RUNS * 10 + 1000);
	return 0;
}

static int fentry_module(void)
{
	struct fentry_module *skel;
	int ret = 1;

	CHECK_EQ(testmod_load(), 0);
	skel = fentry_module__open_and_load();
	CHECK(skel, "open_and_load: %d", -errno);
	if (!fentry_module__attach(skel))
		ret = check_module_hits(skel);
	else
		fprintf(stderr, "attach: %d\n", -errno);
	fentry_module__destroy(skel);
	return ret;
}

/* A module with attached trampolines cannot go away; it can as soon as they are gone. */
static int module_busy_while_attached(void)
{
	struct fentry_module *skel;
	int err;

	CHECK_EQ(testmod_load(), 0);
	skel = fentry_module__open_and_load();
	CHECK(skel, "open_and_load: %d", -errno);
	err = fentry_module__attach(skel);
	if (!err)
		err = testmod_unload();
	fentry_module__destroy(skel);
	CHECK(err == -EAGAIN || err == -EBUSY, "unload while attached returned %d", err);
	CHECK_EQ(testmod_unload(), 0);
	CHECK_EQ(testmod_load(), 0);
	return 0;
}

static int count_tmulti_funcs(void)
{
	FILE *f = fopen("/sys/kernel/tracing/available_filter_functions", "r");
	char line[256];
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, "tmulti_test_", 12) && strstr(line, "[" TESTMOD_NAME "]");
	fclose(f);
	return n;
}

static int kprobe_multi_glob(void)
{
	struct kprobe_multi_glob *skel;
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	__u64 key, *prev = NULL, hits;
	int nfuncs, seen = 0, i, fd;

	CHECK_EQ(testmod_load(), 0);
	nfuncs = count_tmulti_funcs();
	CHECK(nfuncs == 4, "test module exports %d traceable tmulti_test_* functions", nfuncs);
	skel = kprobe_multi_glob__open_and_load();
	CHECK(skel, "open_and_load: %d", -errno);
	CHECK_EQ(kprobe_multi_glob__attach(skel), 0);

	fd = bpf_link__fd(skel->links.count_hits);
	CHECK_EQ(bpf_link_get_info_by_fd(fd, &info, &len), 0);
	CHECK_EQ(info.type, BPF_LINK_TYPE_KPROBE_MULTI);
	CHECK_EQ(info.kprobe_multi.count, nfuncs);

	for (i = 0; i < RUNS; i++)
		CHECK_EQ(testmod_trigger(i), 0);
	fd = bpf_map__fd(skel->maps.hits);
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		CHECK_EQ(bpf_map_lookup_elem(fd, &key, &hits), 0);
		CHECK(hits == RUNS, "function at %llx hit %llu times", key, hits);
		seen++;
		prev = &key;
	}
	CHECK_EQ(seen, nfuncs);
	kprobe_multi_glob__destroy(skel);
	return 0;
}

static const struct test tests[] = {
	{ "fentry_vmlinux", fentry_vmlinux },
	{ "fentry_module", fentry_module },
	{ "module_busy_while_attached", module_busy_while_attached },
	{ "kprobe_multi_glob", kprobe_multi_glob },
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
