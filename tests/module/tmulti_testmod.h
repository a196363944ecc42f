/* SPDX-License-Identifier: GPL-2.0 */
/* The test module's traceable functions (global, so they have BTF and stable names). */
#ifndef TMULTI_TESTMOD_H
#define TMULTI_TESTMOD_H

struct tmulti_test_obj {
	int id;
	long val;
};

int tmulti_test_int(int a);
long tmulti_test_long(int a, long b);
int tmulti_test_obj(struct tmulti_test_obj *obj, int a);
int tmulti_test_sleepable(int a);

#endif
