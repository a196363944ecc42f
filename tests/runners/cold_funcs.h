/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Many vmlinux functions a test can trace at once without disturbing the VM: for
 * links of hundreds or thousands of targets (tracing_multi.c, tmulti_fault.c).
 */
#ifndef COLD_FUNCS_H
#define COLD_FUNCS_H

#include <stdbool.h>
#include "testlib.h"

/*
 * Subsystems the suite does not run while it traces their functions: tracing hundreds
 * of them for a moment then costs little (the test VM has no network traffic, and ACPI
 * is idle after boot).
 */
static const char *const cold_prefixes[] = { "acpi_", "tcp_", "udp_", "inet_", "ip_", NULL };

static bool is_cold(const char *name)
{
	const char *const *p;

	for (p = cold_prefixes; *p; p++)
		if (!strncmp(name, *p, strlen(*p)))
			return true;
	return false;
}

/* An argument or return type any trampoline takes: integer, enum or pointer (or void). */
static bool plain_type(const struct btf *btf, __u32 type_id, bool void_ok)
{
	int id = btf__resolve_type(btf, type_id);
	const struct btf_type *t;

	if (!type_id || id <= 0)
		return void_ok && !type_id;
	t = btf__type_by_id(btf, id);
	return btf_is_int(t) || btf_is_any_enum(t) || btf_is_ptr(t);
}

/* At most six arguments, no varargs (a last parameter of type 0), plain types. */
static bool plain_prototype(const struct btf *btf, const struct btf_type *func)
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

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Fill @ids with up to @n functions of vmlinux BTF @btf of cold subsystems that fentry can trace,
 * each once: BTF functions of plain prototype whose name is listed once in
 * available_filter_functions (two entries would be two static functions of that name:
 * the name would not tell which). Returns how many were found.
 */
static int cold_functions(const struct btf *btf, __u32 *ids, int n)
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
		if (sscanf(line, "%255s", name) != 1 || strchr(line, '[') || !is_cold(name))
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
		if (!is_cold(fname) || !plain_prototype(btf, t))
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

#endif
