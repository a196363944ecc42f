/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Many vmlinux functions for links of hundreds or thousands of targets: those a test can
 * trace without disturbing the VM (cold_functions(), tracing_multi.c, tmulti_fault.c),
 * and all that are safe to trace (tracing_multi_scale.c, tmulti_fault.c).
 */
#ifndef MANY_FUNCS_H
#define MANY_FUNCS_H

#include <stdbool.h>
#include "testlib.h"

/*
 * Subsystems the suite does not run while it traces their functions: tracing hundreds
 * of them for a moment then costs little (the test VM has no network traffic, and ACPI
 * is idle after boot).
 */
static const char *const cold_prefixes[] = { "acpi_", "tcp_", "udp_", "inet_", "ip_", NULL };

static inline bool is_cold(const char *name)
{
	const char *const *p;

	for (p = cold_prefixes; *p; p++)
		if (!strncmp(name, *p, strlen(*p)))
			return true;
	return false;
}

/*
 * Not the functions the trampoline machinery itself calls, that BPF cannot trace
 * usefully, or that run where RCU is not watching (the idle loop: the kernel's
 * kprobe_multi test leaves them out too).
 */
static inline bool safe_to_trace(const char *name)
{
	static const char *const prefixes[] = {
		"bpf_", "__bpf", "rcu_", "__rcu", "preempt_", "migrate_", "__ftrace_invalid",
	};
	static const char *const names[] = { "arch_cpu_idle", "default_idle" };
	unsigned int i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return false;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return false;
	return true;
}

/* An argument or return type any trampoline takes: integer, enum or pointer (or void). */
static inline bool plain_type(const struct btf *btf, __u32 type_id, bool void_ok)
{
	int id = btf__resolve_type(btf, type_id);
	const struct btf_type *t;

	if (!type_id || id <= 0)
		return void_ok && !type_id;
	t = btf__type_by_id(btf, id);
	return btf_is_int(t) || btf_is_any_enum(t) || btf_is_ptr(t);
}

/* At most six arguments, no varargs (a last parameter of type 0), plain types. */
static inline bool plain_prototype(const struct btf *btf, const struct btf_type *func)
{
	const struct btf_type *proto = btf__type_by_id(btf, func->type);
	const struct btf_param *p = btf_params(proto);
	int i;

	if (btf_vlen(proto) > 6 || !plain_type(btf, proto->type, true))
		return false;
	for (i = 0; i < btf_vlen(proto); i++)
		if (!plain_type(btf, p[i].type, false))
			return false;
	return true;
}

static inline int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Fill @ids with up to @n functions of vmlinux BTF @btf whose names @want accepts and
 * that fentry can trace, each once: BTF functions of plain prototype whose name is
 * listed once in available_filter_functions (two entries would be two static functions
 * of that name: the name would not tell which). Returns how many were found.
 */
static inline int traceable_functions(const struct btf *btf, __u32 *ids, int n,
			       bool (*want)(const char *name))
{
	FILE *f = fopen("/sys/kernel/tracing/available_filter_functions", "r");
	char line[512], name[256], **names = NULL, **tmp, **hit;
	int cnt = 0, cap = 0, found = 0, i;
	const struct btf_type *t;
	bool *taken;
	const char *fname;
	__u32 id;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "name" for vmlinux, "name [module]" for modules */
		if (sscanf(line, "%255s", name) != 1 || strchr(line, '[') || !want(name))
			continue;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 1024;
			tmp = realloc(names, cap * sizeof(*names));
			if (!tmp)
				break;
			names = tmp;
		}
		names[cnt] = strdup(name);
		if (!names[cnt])
			break;
		cnt++;
	}
	fclose(f);
	qsort(names, cnt, sizeof(*names), cmp_names);
	taken = calloc(cnt + 1, sizeof(*taken));

	for (id = 1; taken && id < btf__type_cnt(btf) && found < n; id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_func(t))
			continue;
		fname = btf__name_by_offset(btf, t->name_off);
		if (!want(fname) || !plain_prototype(btf, t))
			continue;
		hit = bsearch(&fname, names, cnt, sizeof(*names), cmp_names);
		if (!hit || taken[hit - names] || (hit > names && !strcmp(hit[-1], fname)) ||
		    (hit + 1 < names + cnt && !strcmp(hit[1], fname)))
			continue;
		ids[found++] = id;
		taken[hit - names] = true;	/* a second BTF FUNC of that name is not */
	}
	for (i = 0; i < cnt; i++)
		free(names[i]);
	free(names);
	free(taken);
	return found;
}

/* Up to @n functions of cold subsystems (see traceable_functions()) */
static inline int cold_functions(const struct btf *btf, __u32 *ids, int n)
{
	return traceable_functions(btf, ids, n, is_cold);
}

/*
 * Drop from @ids the targets the kernel's log rejects ("target N (btf_id M): ...", a
 * line each): a test's way to take what the kernel refuses out of a link on every
 * candidate function. Returns how many were dropped.
 */
static inline int drop_logged_targets(const char *log, __u32 *ids, int *cnt)
{
	char *drop = calloc(*cnt ?: 1, 1);
	const char *line;
	unsigned int idx;
	int i, j, n = 0;

	if (!drop)
		return 0;
	for (line = log; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "target %u (", &idx) == 1 && idx < (unsigned int)*cnt &&
		    !drop[idx]) {
			drop[idx] = 1;
			n++;
		}
	}
	for (i = 0, j = 0; i < *cnt; i++) {
		if (!drop[i])
			ids[j++] = ids[i];
	}
	*cnt = j;
	free(drop);
	return n;
}

#endif
