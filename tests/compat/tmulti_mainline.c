// SPDX-License-Identifier: GPL-2.0
/*
 * A program written for mainline's tracing multi-link, built against mainline 7.2's
 * UAPI headers only (Debian sid's linux-libc-dev, fetched at build time by
 * compat/fetch-mainline-uapi.sh; no libbpf, no header of this tree), run on this kernel:
 * - an untyped fentry multi program (BPF_TRACE_FENTRY_MULTI as mainline numbers it,
 *   attach_btf_id 0), whose attach_btf_id the kernel reports as vmlinux's
 *   bpf_multi_func, as mainline does;
 * - a link with mainline's link_create.tracing_multi {ids, cookies, cnt} on
 *   bpf_fentry_test1..3, found by name in /sys/kernel/btf/vmlinux;
 * - its fdinfo, read as mainline writes it (attach_type, cnt, the obj-id, btf-id,
 *   cookie, func columns first);
 * - BPF_PROG_TEST_RUN, which calls the three functions: the program runs once for each,
 *   with its cookie;
 * - the link closed: the program runs no more.
 * Prints which header it was built with. Exit 0: passed, 1: failed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include "version.h"

_Static_assert(BPF_TRACE_FENTRY_MULTI == 59, "not mainline's header");
_Static_assert(offsetof(union bpf_attr, link_create.tracing_multi.cnt) == 32,
	       "not mainline's header");

#define CHECK(cond, fmt, ...) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: check failed: %s: " fmt "\n",		\
			__FILE__, __LINE__, #cond, ##__VA_ARGS__);		\
		return 1;							\
	}									\
} while (0)

#define NFUNCS	3
static const char *funcs[NFUNCS] = { "bpf_fentry_test1", "bpf_fentry_test2", "bpf_fentry_test3" };
static const __u64 cookies[NFUNCS] = { 1, 10, 100 };

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	int ret = syscall(__NR_bpf, cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : ret;
}

/* Read all of @path into a malloc()ed buffer, its size in *@len; NULL on failure */
static void *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 20, n = 0, r;
	char *buf = malloc(cap), *p;
	FILE *f = fopen(path, "r");

	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n < cap)
			continue;
		p = realloc(buf, cap *= 2);
		if (!p) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = p;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Size of BTF type @t with what follows it, 0 for a kind this parser doesn't know */
static size_t btf_type_size(const struct btf_type *t)
{
	__u32 vlen = BTF_INFO_VLEN(t->info);
	size_t size = sizeof(*t);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return size + sizeof(__u32);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return size;
	case BTF_KIND_ARRAY:
		return size + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return size + vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return size + vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return size + vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return size + sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return size + vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return size + sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return size + vlen * sizeof(struct btf_enum64);
	default:
		return 0;
	}
}

/* The ids of the first FUNCs named @names[0..@n-1] in vmlinux BTF (0 if not found) */
static int vmlinux_func_ids(const char **names, __u32 *ids, int n)
{
	const struct btf_header *h;
	const char *types, *strs, *p;
	size_t len, size;
	__u32 id = 1;
	char *buf;
	int i;

	memset(ids, 0, n * sizeof(*ids));
	buf = read_all("/sys/kernel/btf/vmlinux", &len);
	CHECK(buf, "read /sys/kernel/btf/vmlinux: %d", -errno);
	h = (const struct btf_header *)buf;
	CHECK(len >= sizeof(*h) && h->magic == BTF_MAGIC, "not BTF");
	types = buf + h->hdr_len + h->type_off;
	strs = buf + h->hdr_len + h->str_off;
	for (p = types; p < types + h->type_len; p += size, id++) {
		const struct btf_type *t = (const struct btf_type *)p;

		size = btf_type_size(t);
		CHECK(size, "type %u: unknown kind %u", id, BTF_INFO_KIND(t->info));
		if (BTF_INFO_KIND(t->info) != BTF_KIND_FUNC)
			continue;
		for (i = 0; i < n; i++)
			if (!ids[i] && !strcmp(strs + t->name_off, names[i]))
				ids[i] = id;
	}
	free(buf);
	return 0;
}

/* Loads "count[0]++; count[1] += bpf_get_attach_cookie(ctx); return 0" */
static int load_prog(int map_fd)
{
	struct bpf_insn insns[] = {
		/* r0 = bpf_get_attach_cookie(ctx) */
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_attach_cookie },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_7, .src_reg = BPF_REG_0 },
		/* r1 = &count[0] */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_VALUE, .imm = map_fd },
		{ .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 1 },
		{ .code = BPF_STX | BPF_DW | BPF_ATOMIC, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_2, .imm = BPF_ADD },
		{ .code = BPF_STX | BPF_DW | BPF_ATOMIC, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_7, .off = 8, .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static char log[65536];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_TRACING;
	attr.expected_attach_type = BPF_TRACE_FENTRY_MULTI;
	attr.attach_btf_id = 0;		/* untyped */
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		fprintf(stderr, "load: %d\n%s", fd, log);
	return fd;
}

static int lookup_counts(int map_fd, __u64 count[2])
{
	union bpf_attr attr;
	__u32 key = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = (__u64)(unsigned long)&key;
	attr.value = (__u64)(unsigned long)count;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr);
}

static int test_run(int prog_fd)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog_fd;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr);
	return err ? err : (int)attr.test.retval;
}

/* The fdinfo of link @fd as mainline writes it: the targets, each with its cookie */
static int check_fdinfo(int fd, const __u32 *ids)
{
	char path[64], line[512], func[256];
	int attach_type = -1, cnt = -1, header = 0, rows = 0, i;
	unsigned long long cookie;
	unsigned int obj, btf_id;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	CHECK(f, "%s: %d", path, -errno);
	while (fgets(line, sizeof(line), f)) {
		printf("fdinfo: %s", line);
		if (sscanf(line, "attach_type: %d", &attach_type) == 1 ||
		    sscanf(line, "cnt: %d", &cnt) == 1)
			continue;
		if (!strncmp(line, "obj-id\t btf-id\t cookie\t func", 28)) {
			header++;
			continue;
		}
		if (!header || sscanf(line, "%u %u %llu %255s", &obj, &btf_id, &cookie, func) != 4)
			continue;
		rows++;
		for (i = 0; i < NFUNCS; i++) {
			size_t n = strlen(funcs[i]);

			if (strncmp(func, funcs[i], n) || func[n] != '+')
				continue;
			CHECK(btf_id == ids[i] && cookie == cookies[i] && obj == 1,
			      "%s: obj-id %u btf-id %u cookie %llu, expected 1 %u %llu", funcs[i],
			      obj, btf_id, cookie, ids[i], (unsigned long long)cookies[i]);
			break;
		}
		CHECK(i < NFUNCS, "row of another function: %s", line);
	}
	fclose(f);
	CHECK(attach_type == BPF_TRACE_FENTRY_MULTI, "attach_type %d", attach_type);
	CHECK(cnt == NFUNCS, "cnt %d", cnt);
	CHECK(header == 1, "%d header lines", header);
	CHECK(rows == NFUNCS, "%d rows", rows);
	return 0;
}

int main(void)
{
	const char *stub_name = "bpf_multi_func";
	__u32 ids[NFUNCS], stub, len;
	struct bpf_prog_info info;
	union bpf_attr attr;
	__u64 count[2];
	int map_fd, prog_fd, fd;

	printf("built against mainline's UAPI: %s\n", MAINLINE_UAPI);
	CHECK(!vmlinux_func_ids(funcs, ids, NFUNCS), "vmlinux BTF");
	CHECK(!vmlinux_func_ids(&stub_name, &stub, 1), "vmlinux BTF");
	CHECK(ids[0] && ids[1] && ids[2] && stub, "BTF ids %u %u %u, %s %u", ids[0], ids[1],
	      ids[2], stub_name, stub);

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = sizeof(count);
	attr.max_entries = 1;
	map_fd = sys_bpf(BPF_MAP_CREATE, &attr);
	CHECK(map_fd >= 0, "map: %d", map_fd);
	prog_fd = load_prog(map_fd);
	CHECK(prog_fd >= 0, "untyped fentry multi program: %d", prog_fd);

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	len = sizeof(info);
	attr.info.bpf_fd = prog_fd;
	attr.info.info_len = len;
	attr.info.info = (__u64)(unsigned long)&info;
	CHECK(!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr), "prog info");
	CHECK(info.attach_btf_id == stub && info.attach_btf_obj_id == 1,
	      "attach BTF %u/%u, expected 1/%u (%s)", info.attach_btf_obj_id,
	      info.attach_btf_id, stub, stub_name);

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = BPF_TRACE_FENTRY_MULTI;
	attr.link_create.tracing_multi.ids = (__u64)(unsigned long)ids;
	attr.link_create.tracing_multi.cookies = (__u64)(unsigned long)cookies;
	attr.link_create.tracing_multi.cnt = NFUNCS;
	fd = sys_bpf(BPF_LINK_CREATE, &attr);
	CHECK(fd >= 0, "link: %d", fd);
	CHECK(!check_fdinfo(fd, ids), "fdinfo");

	CHECK(test_run(prog_fd) == 0, "test run");
	CHECK(!lookup_counts(map_fd, count), "lookup");
	CHECK(count[0] == NFUNCS && count[1] == 111, "%llu runs, cookies summing to %llu",
	      (unsigned long long)count[0], (unsigned long long)count[1]);
	close(fd);
	CHECK(test_run(prog_fd) == 0, "test run");
	CHECK(!lookup_counts(map_fd, count), "lookup");
	CHECK(count[0] == NFUNCS, "%llu runs after the link is closed",
	      (unsigned long long)count[0]);
	close(prog_fd);
	close(map_fd);
	printf("mainline's BPF_TRACE_FENTRY_MULTI (%d) program linked to %d functions by "
	       "ids/cookies/cnt, fdinfo read, ran once per target with its cookie\n",
	       BPF_TRACE_FENTRY_MULTI, NFUNCS);
	return 0;
}
