// SPDX-License-Identifier: GPL-2.0
/*
 * tmulti_dup_a.c and tmulti_dup_b.c each define their own struct tmulti_dup (same name,
 * same size, other layouts) and their own static tmulti_namesake() (other prototypes):
 * the module's BTF holds both structs and kallsyms both functions. A program verified
 * against one of them must not be attached to the other.
 */
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include "tmulti_testmod.h"

struct tmulti_dup {
	struct sk_buff *skb;
	long x;
};

noinline long tmulti_dup_a(struct tmulti_dup *p)
{
	return p->x;
}

/* __noclone: gcc would otherwise rename a clone (.constprop.0) */
static noinline __noclone int tmulti_namesake(int a)
{
	return a + 1;
}

long tmulti_dup_a_run(int a)
{
	struct tmulti_dup d = { .skb = NULL, .x = a };

	return tmulti_dup_a(&d) + tmulti_namesake(a);
}
