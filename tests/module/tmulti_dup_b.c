// SPDX-License-Identifier: GPL-2.0
/* The other struct tmulti_dup and tmulti_namesake(), see tmulti_dup_a.c. */
#include <linux/kernel.h>
#include "tmulti_testmod.h"

struct tmulti_dup {
	long magic;
	long y;
};

noinline long tmulti_dup_b(struct tmulti_dup *p)
{
	return p->y;
}

static noinline __noclone long tmulti_namesake(struct tmulti_dup *p)
{
	return p->magic;
}

long tmulti_dup_b_run(int a)
{
	struct tmulti_dup d = { .magic = TMULTI_DUP_MAGIC, .y = a };

	return tmulti_dup_b(&d) + tmulti_namesake(&d);
}
