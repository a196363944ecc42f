/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the test runners. A runner binary holds several tests; the
 * guest's suite runs one per invocation ("runner NAME") and turns the exit status into
 * a TAP line: 0 passed, 77 skipped, anything else failed.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define TESTMOD_NAME	"tmulti_testmod"
#define TESTMOD_PATH	"/tests/" TESTMOD_NAME ".ko"
#define TESTMOD_TRIGGER	"/sys/kernel/debug/" TESTMOD_NAME "/trigger"
#define SKIP_EXIT	77

/* Fail the current test: print where and why, return 1 from the test function. */
#define CHECK(cond, fmt, ...) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: check failed: %s: " fmt "\n",		\
			__FILE__, __LINE__, #cond, ##__VA_ARGS__);		\
		return 1;							\
	}									\
} while (0)

#define CHECK_EQ(a, b) CHECK((a) == (b), "%s = %lld, expected %lld", #a,	\
			     (long long)(a), (long long)(b))

struct test {
	const char *name;
	int (*fn)(void);
};

static inline int testmod_load(void)
{
	int fd, err = 0;

	fd = open(TESTMOD_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		err = -errno;
	close(fd);
	return err;
}

static inline int testmod_unload(void)
{
	return syscall(SYS_delete_module, TESTMOD_NAME, O_NONBLOCK) ? -errno : 0;
}

/* Write @val to the sysfs, debugfs, cgroup or proc file @path; -errno on failure. */
static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		err = -errno;
	close(fd);
	return err;
}

/* Call every test module function once with argument @a. */
static inline int testmod_trigger(int a)
{
	char buf[32];
	int fd, n, err = 0;

	fd = open(TESTMOD_TRIGGER, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d", a);
	if (write(fd, buf, n) != n)
		err = -errno;
	close(fd);
	return err;
}

/* BPF_PROG_TEST_RUN on a tracing program: the kernel calls bpf_fentry_test1..9 once. */
static inline int trigger_fentry_test_funcs(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	return err ? err : (int)opts.retval;
}

/* The fd of the BTF object called @name (a module's, or "vmlinux"), or -ENOENT. */
static inline int btf_fd_by_name(const char *name)
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

/*
 * BPF_LINK_CREATE of a tracing multi-link (docs/uapi.md), with the kernel's log in @log
 * if it is not NULL, and each target's errno in @errs (cnt entries, written by the kernel
 * on a failure after it read the arrays) if it is not NULL; returns the link fd or -errno.
 */
static inline int link_multi_fd_errs(int prog_fd, enum bpf_attach_type type, __u32 cnt,
				     const __u32 *ids, const __u32 *fds, const __u64 *cookies,
				     char *log, __u32 log_size, __s32 *errs)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = type;
	attr.link_create.tracing_multi.cnt = cnt;
	attr.link_create.tracing_multi.ids = (__u64)(unsigned long)ids;
	attr.link_create.tracing_multi.fds = (__u64)(unsigned long)fds;
	attr.link_create.tracing_multi.cookies = (__u64)(unsigned long)cookies;
	attr.link_create.tracing_multi.errs = (__u64)(unsigned long)errs;
	if (log) {
		log[0] = 0;
		attr.link_create.tracing_multi.log_buf = (__u64)(unsigned long)log;
		attr.link_create.tracing_multi.log_size = log_size;
		attr.link_create.tracing_multi.log_level = 1;
	}
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* The same without errs */
static inline int link_multi_fd(int prog_fd, enum bpf_attach_type type, __u32 cnt,
			 const __u32 *ids, const __u32 *fds, const __u64 *cookies,
			 char *log, __u32 log_size)
{
	return link_multi_fd_errs(prog_fd, type, cnt, ids, fds, cookies, log, log_size, NULL);
}

/*
 * Does the running kernel have the series' extensions of the tracing multi-link (typed
 * programs, fmod_ret multi, targets of several BTF objects or BPF programs in one link,
 * detach, the log and errs[]), or mainline 7.2's link alone? Probed as their UAPI:
 * BPF_LINK_CREATE with errs set and no program fails with EBADF where link_create has
 * errs, and with EINVAL (a non-zero attr byte past mainline's fields) where it has not.
 * Done here rather than by libbpf, whose probe is under test.
 */
static inline bool kernel_has_tracing_multi_ext(void)
{
	__s32 errs[1];

	return link_multi_fd_errs(-1, BPF_TRACE_FENTRY_MULTI, 0, NULL, NULL, NULL, NULL, 0,
				  errs) == -EBADF;
}

/*
 * Does the running kernel describe tracing multi-links in bpf_link_info (the series and
 * mainline 7.3), or only in their fdinfo (7.2)? Its BTF says: the union in
 * struct bpf_link_info has a tracing_multi member.
 */
static inline bool kernel_has_tracing_multi_link_info(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_member *m, *u;
	const struct btf_type *t;
	bool found = false;
	int id, i, j;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "bpf_link_info", BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t) && !found; i++, m++) {
		const struct btf_type *mt = btf__type_by_id(btf, m->type);

		if (m->name_off || !btf_is_union(mt))
			continue;
		for (j = 0, u = btf_members(mt); j < btf_vlen(mt); j++, u++)
			found |= !strcmp(btf__name_by_offset(btf, u->name_off), "tracing_multi");
	}
	btf__free(btf);
	return found;
}

/*
 * The targets of tracing multi-link @link_fd as its fdinfo lists them (mainline's table:
 * "obj-id btf-id cookie func", the series adds a prog-id column): their number if it is
 * the "cnt:" line's, -1 otherwise.
 */
static inline int fdinfo_target_count(int link_fd)
{
	unsigned int obj_id, btf_id;
	unsigned long long cookie;
	int cnt = -1, rows = 0;
	bool table = false;
	char line[512];
	FILE *f;

	snprintf(line, sizeof(line), "/proc/self/fdinfo/%d", link_fd);
	f = fopen(line, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!table && sscanf(line, "cnt: %d", &cnt) == 1)
			continue;
		if (!strncmp(line, "obj-id", strlen("obj-id")))
			table = true;
		else if (table && sscanf(line, "%u %u %llu", &obj_id, &btf_id, &cookie) == 3)
			rows++;
	}
	fclose(f);
	return rows == cnt ? rows : -1;
}

static int print_libbpf_msg(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !getenv("TEST_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static inline int run_tests(const struct test *tests, int argc, char **argv)
{
	const struct test *t;

	libbpf_set_print(print_libbpf_msg);
	if (argc != 2) {
		fprintf(stderr, "usage: %s TEST\ntests:", argv[0]);
		for (t = tests; t->name; t++)
			fprintf(stderr, " %s", t->name);
		fprintf(stderr, "\n");
		return 2;
	}
	for (t = tests; t->name; t++)
		if (!strcmp(t->name, argv[1]))
			return t->fn();
	fprintf(stderr, "%s: no test named %s\n", argv[0], argv[1]);
	return 2;
}

/* The address kallsyms gives @func (the first of its name), 0 if none. */
static inline unsigned long long kallsyms_addr(const char *func)
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


static inline int module_refcnt(void)
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

static inline __u32 prog_id(int prog_fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_prog_get_info_by_fd(prog_fd, &info, &len) ? 0 : info.id;
}

/* The attach BTF object id and attach_btf_id of program @prog_fd (bpf_prog_info) */
static inline int prog_attach_btf_ids(int prog_fd, __u32 *obj_id, __u32 *btf_id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	*obj_id = info.attach_btf_obj_id;
	*btf_id = info.attach_btf_id;
	return 0;
}

/* The id of BTF object @btf_fd, 0 on failure */
static inline __u32 btf_obj_id(int btf_fd)
{
	struct bpf_btf_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_btf_get_info_by_fd(btf_fd, &info, &len) ? 0 : info.id;
}

/* Links of the program with id @id; 0: of any program. */
static inline int count_links(__u32 id)
{
	struct bpf_link_info info;
	__u32 link_id = 0, len;
	int fd, n = 0;

	while (!bpf_link_get_next_id(link_id, &link_id)) {
		fd = bpf_link_get_fd_by_id(link_id);
		if (fd < 0)
			continue;	/* released meanwhile */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_link_get_info_by_fd(fd, &info, &len) && (!id || info.prog_id == id))
			n++;
		close(fd);
	}
	return n;
}

/* Functions in enabled_functions (a direct call adds an indented line of its own). */
static inline int enabled_functions(void)
{
	FILE *f = fopen("/sys/kernel/tracing/enabled_functions", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += !isspace(line[0]);
	fclose(f);
	return n;
}

#endif
