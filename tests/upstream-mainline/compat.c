// SPDX-License-Identifier: GPL-2.0
/* What compat.h declares: the kallsyms helpers of 7.2's test_progs, written for 6.12's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bpf_util.h"
#include "compat.h"

bool is_unsafe_function(const char *name)
{
	/*
	 * What the trampoline runs around a program (RCU read sections, preemption and
	 * migration counts: recursion), which the verifier refuses anyway (btf_id_deny);
	 * the idle loop, where RCU is not watching; code rewritten at run time (the XDP
	 * dispatcher); and ftrace's placeholders for discarded weak functions.
	 */
	static const char *const prefixes[] = {
		"rcu_", "__rcu_read_", "preempt_count_", "migrate_", "__ftrace_invalid_address__",
	};
	static const char *const names[] = {
		"arch_cpu_idle", "default_idle", "bpf_dispatcher_xdp_func",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static int cmp_ksym_name(const void *a, const void *b)
{
	return strcmp(((const struct ksym *)a)->name, ((const struct ksym *)b)->name);
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append to a growing array of @size-byte elements; 0 or -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t cnt, size_t size)
{
	void *p;

	if (cnt < *cap)
		return 0;
	p = realloc(*arr, (*cap ? *cap * 2 : 4096) * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = *cap ? *cap * 2 : 4096;
	return 0;
}

/* Every line of /proc/kallsyms ("addr type name [module]"), sorted by name. */
static int read_kallsyms(struct ksyms *ks)
{
	char line[512], name[256];
	unsigned long addr;
	char type;
	FILE *f;
	int err = 0;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3)
			continue;
		err = grow((void **)&ks->syms, &ks->sym_cap, ks->sym_cnt, sizeof(*ks->syms));
		if (err)
			break;
		ks->syms[ks->sym_cnt].addr = addr;
		ks->syms[ks->sym_cnt].name = strdup(name);
		if (!ks->syms[ks->sym_cnt].name) {
			err = -ENOMEM;
			break;
		}
		ks->sym_cnt++;
	}
	fclose(f);
	qsort(ks->syms, ks->sym_cnt, sizeof(*ks->syms), cmp_ksym_name);
	return err;
}

/*
 * filtered_syms: the traceable functions (available_filter_functions, where a module's
 * lines end in "[module]"), each once (the file lists a name once per instance), as
 * pointers to the names in syms.
 */
static int read_traceable(struct ksyms *ks, bool kernel)
{
	size_t cap = 0, i, n = 0;
	struct ksym key, *sym;
	char line[512], name[256];
	FILE *f;
	int err = 0;

	f = fopen("/sys/kernel/tracing/available_filter_functions", "r");
	if (!f)
		f = fopen("/sys/kernel/debug/tracing/available_filter_functions", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		bool in_module = strchr(line, '[');

		if (in_module == kernel || sscanf(line, "%255s", name) != 1)
			continue;
		if (is_unsafe_function(name))
			continue;
		key.name = name;
		sym = bsearch(&key, ks->syms, ks->sym_cnt, sizeof(*ks->syms), cmp_ksym_name);
		if (!sym)	/* not in kallsyms: nothing to attach to by name */
			continue;
		err = grow((void **)&ks->filtered_syms, &cap, ks->filtered_cnt,
			   sizeof(*ks->filtered_syms));
		if (err)
			break;
		ks->filtered_syms[ks->filtered_cnt++] = sym->name;
	}
	fclose(f);
	qsort(ks->filtered_syms, ks->filtered_cnt, sizeof(char *), cmp_str_ptr);
	for (i = 0; i < ks->filtered_cnt; i++)
		if (!n || strcmp(ks->filtered_syms[i], ks->filtered_syms[n - 1]))
			ks->filtered_syms[n++] = ks->filtered_syms[i];
	ks->filtered_cnt = n;
	return err;
}

int bpf_get_ksyms(struct ksyms **ksymsp, bool kernel)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	int err;

	if (!ks)
		return -ENOMEM;
	err = read_kallsyms(ks);
	if (!err)
		err = read_traceable(ks, kernel);
	if (!err && !ks->filtered_cnt)
		err = -ENOENT;
	if (err) {
		mainline_free_ksyms(ks);
		return err;
	}
	*ksymsp = ks;
	return 0;
}

void mainline_free_ksyms(struct ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->sym_cnt; i++)
		free(ks->syms[i].name);
	free(ks->syms);
	free(ks->filtered_syms);
	free(ks);
}
