// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side test of libbpf's tracing multi-link name resolution, to run under ASan or
 * valgrind (tests/host/run.sh): the VM kernel's vmlinux and the test module's BTF read
 * from their ELF files, a made-up available_filter_functions, and every path of the
 * pattern/name parser and resolver, with all memory freed at the end.
 *
 * usage: tmulti_resolve VMLINUX TESTMOD.ko
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <bpf/libbpf_internal.h>

#define CHECK(cond, fmt, ...) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: check failed: %s: " fmt "\n",		\
			__FILE__, __LINE__, #cond, ##__VA_ARGS__);		\
		exit(1);							\
	}									\
} while (0)

static char msgs[8192];

static int capture(enum libbpf_print_level level, const char *fmt, va_list args)
{
	size_t len = strlen(msgs);

	if (level == LIBBPF_WARN)
		vsnprintf(msgs + len, sizeof(msgs) - len, fmt, args);
	return 0;
}

/* Resolve @pattern (or @syms), expect @err and @cnt targets, and @msg in the warnings */
static struct tracing_multi_targets resolve(struct tracing_multi_index *index,
					    const char *pattern, const char **syms, size_t n,
					    size_t limit, int err, size_t cnt, const char *msg)
{
	struct tracing_multi_targets t = {};
	int ret;

	msgs[0] = 0;
	ret = tracing_multi_resolve(index, "p", pattern, syms, n, &t, limit);
	CHECK(ret == err, "%s: %d, expected %d (%s)", pattern ?: syms[0], ret, err, msgs);
	if (!err)
		CHECK(t.cnt == cnt, "%s: %zu targets, expected %zu", pattern ?: syms[0], t.cnt, cnt);
	if (msg)
		CHECK(strstr(msgs, msg), "%s: no '%s' in: %s", pattern ?: syms[0], msg, msgs);
	printf("%-45s -> %d, %zu targets, %zu skipped%s%s", pattern ?: syms[0], ret, t.cnt,
	       t.skipped, msgs[0] ? ": " : "\n", msgs);
	return t;
}

/* What the on_skip callback was told: "func mod: reason" lines */
static char skips[8192];

static int record_skip(const char *func, const char *mod, const char *reason, void *ctx)
{
	size_t len = strlen(skips);

	snprintf(skips + len, sizeof(skips) - len, "%s %s: %s\n", func, mod ?: "vmlinux", reason);
	(*(int *)ctx)++;
	return 0;
}

static int refuse_skip(const char *func, const char *mod, const char *reason, void *ctx)
{
	return -E2BIG;
}

static void expect(struct tracing_multi_index *index, const char *pattern, const char **syms,
		   size_t n, size_t limit, int err, size_t cnt, const char *msg)
{
	struct tracing_multi_targets t = resolve(index, pattern, syms, n, limit, err, cnt, msg);

	tracing_multi_targets__free(&t);
}

int main(int argc, char **argv)
{
	static const char traceable[] =
		"bpf_fentry_test1\nbpf_fentry_test2\nbpf_fentry_test3\n"
		"bpf_fentry_test7 [not_this_module]\n"
		"tmulti_test_int [tmulti_testmod]\ntmulti_test_long [tmulti_testmod]\n"
		"tmulti_test_obj [tmulti_testmod]\ntmulti_test_sleepable [tmulti_testmod]\n"
		"tmulti_bad_13_args [tmulti_testmod]\ntmulti_bad_big_arg [tmulti_testmod]\n"
		"__ftrace_invalid_address___1234\n"
		"last_line_without_newline";
	static const char *names[] = {
		"bpf_fentry_test2", "tmulti_testmod:tmulti_test_int", "vmlinux:bpf_fentry_test1",
	};
	static const char *twice[] = { "bpf_fentry_test1", "vmlinux:bpf_fentry_test1" };
	static const char *wild[] = { "bpf_fentry_test*" };
	char path[] = "/tmp/tmulti_resolve.XXXXXX";
	struct tracing_multi_targets t;
	struct tracing_multi_index *index;
	struct btf *vmlinux_btf, *mod_btf;
	struct module_btf mod = { .name = "tmulti_testmod", .fd = 42 };
	int fd, calls = 0;
	FILE *f;

	CHECK(argc == 3, "usage: %s VMLINUX TESTMOD.ko", argv[0]);
	libbpf_set_print(capture);
	vmlinux_btf = btf__parse(argv[1], NULL);
	CHECK(vmlinux_btf, "%s: %d", argv[1], -errno);
	mod_btf = btf__parse_split(argv[2], vmlinux_btf);
	CHECK(mod_btf, "%s: %d", argv[2], -errno);
	mod.btf = mod_btf;

	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	f = fdopen(fd, "w");
	CHECK(f && fputs(traceable, f) >= 0 && !fclose(f), "write %s", path);

	/* a file that isn't there: nothing is filtered out by it, with a warning */
	index = tracing_multi_index__new(vmlinux_btf, &mod, 1, "/nonexistent");
	CHECK(!libbpf_get_error(index), "index");
	expect(index, "tmulti_testmod:tmulti_bad_notrace", NULL, 0, 0, 0, 1, "can't read");
	tracing_multi_index__free(index);

	index = tracing_multi_index__new(vmlinux_btf, &mod, 1, path);
	CHECK(!libbpf_get_error(index), "index");

	/* patterns: skipped functions, module:pattern, duplicates, limits */
	t = resolve(index, "bpf_fentry_test?", NULL, 0, 0, 0, 3, NULL);
	CHECK(t.skipped >= 6, "bpf_fentry_test4..9 are not in the file: %zu skipped", t.skipped);
	CHECK(t.names && !t.mods[0] && t.fds[0] == 0 && !t.strict[0], "vmlinux, by pattern");
	tracing_multi_targets__free(&t);
	t = resolve(index, "tmulti_testmod:tmulti_*", NULL, 0, 0, 0, 4,  NULL);
	CHECK(t.skipped >= 3, "notrace, 13 args, big struct: %zu skipped", t.skipped);
	CHECK(t.fds[0] == 42 && !strcmp(t.mods[0], "tmulti_testmod"), "module target");
	tracing_multi_targets__free(&t);
	/* on_skip: told of each function left out, with the reason; its error stops */
	t = (struct tracing_multi_targets){ .on_skip = record_skip, .on_skip_ctx = &calls };
	CHECK(!tracing_multi_resolve(index, "p", "tmulti_testmod:tmulti_*", NULL, 0, &t, 0),
	      "on_skip");
	printf("on_skip: %d calls, %zu skipped\n%s", calls, t.skipped, skips);
	CHECK(calls == (int)t.skipped, "%d calls, %zu skipped", calls, t.skipped);
	CHECK(strstr(skips, "tmulti_bad_notrace tmulti_testmod: not in available_filter_functions"),
	      "notrace: %s", skips);
	CHECK(strstr(skips, "tmulti_bad_13_args tmulti_testmod: more than 12 arguments"),
	      "13 args: %s", skips);
	tracing_multi_targets__free(&t);
	t = (struct tracing_multi_targets){ .on_skip = refuse_skip };
	CHECK(tracing_multi_resolve(index, "p", "tmulti_testmod:tmulti_*", NULL, 0, &t, 0) ==
	      -E2BIG, "on_skip's error");
	tracing_multi_targets__free(&t);
	expect(index, "bpf_fentry_test1,bpf_fentry_test*,tmulti_testmod:*,bpf_fentry_test1",
	       NULL, 0, 0, 0, 7, NULL);
	expect(index, "*", NULL, 0, 0, 0, 7, NULL);
	expect(index, "tmulti_testmod:tmulti_test_*,bpf_fentry_test?", NULL, 0, 1, 0, 1, NULL);
	expect(index, "last_line_without_newline*", NULL, 0, 0, -EINVAL, 0,
	       "matches no traceable function");
	expect(index, "bpf_fentry_test7", NULL, 0, 0, -EINVAL, 0,
	       "not in available_filter_functions");

	/* names: strict */
	t = resolve(index, NULL, names, 3, 0, 0, 3, NULL);
	CHECK(t.strict[0] && t.strict[1] && t.fds[1] == 42, "names are strict");
	tracing_multi_targets__free(&t);
	expect(index, NULL, twice, 2, 0, -EINVAL, 0, "listed twice");
	expect(index, NULL, wild, 1, 0, -ENOENT, 0, "'bpf_fentry_test*' not found");
	expect(index, "tmulti_testmod:tmulti_bad_13_args", NULL, 0, 0, -EINVAL, 0,
	       "more than 12 arguments");
	expect(index, "tmulti_testmod:tmulti_bad_big_arg", NULL, 0, 0, -EINVAL, 0,
	       "unsupported argument type");
	expect(index, "tmulti_testmod:bpf_fentry_test1", NULL, 0, 0, -ENOENT, 0,
	       "'tmulti_testmod:bpf_fentry_test1' not found");

	/* malformed */
	expect(index, "bpf_fentry_test1,,bpf_fentry_test2", NULL, 0, 0, -EINVAL, 0,
	       "invalid tracing multi target");
	expect(index, ",", NULL, 0, 0, -EINVAL, 0, "invalid tracing multi target");
	expect(index, ":x", NULL, 0, 0, -EINVAL, 0, "invalid tracing multi target");
	expect(index, "x:", NULL, 0, 0, -EINVAL, 0, "invalid tracing multi target");
	expect(index, "a:b:c", NULL, 0, 0, -EINVAL, 0, "invalid tracing multi target");
	expect(index, "nomod:x*", NULL, 0, 0, -ENOENT, 0, "no BTF for module 'nomod'");
	expect(index, "", NULL, 0, 0, -EINVAL, 0, "invalid tracing multi target");

	tracing_multi_index__free(index);
	unlink(path);
	btf__free(mod_btf);
	btf__free(vmlinux_btf);
	printf("all passed\n");
	return 0;
}
