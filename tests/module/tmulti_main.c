// SPDX-License-Identifier: GPL-2.0
/*
 * Targets for the tracing multi-link tests: a few functions with known prototypes and
 * results, called from process context when a number is written to
 * /sys/kernel/debug/tmulti_testmod/trigger.  Reading the file back gives the results,
 * so a test can compare what its programs saw with what the functions returned.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/error-injection.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/uaccess.h>
#include "tmulti_testmod.h"

static DEFINE_MUTEX(results_lock);

noinline int tmulti_test_int(int a)
{
	return a + 1;
}
ALLOW_ERROR_INJECTION(tmulti_test_int, ERRNO);

noinline long tmulti_test_long(int a, long b)
{
	return a + b;
}

noinline int tmulti_test_obj(struct tmulti_test_obj *obj, int a)
{
	return obj->id + a;
}

/* Same argument types as tmulti_test_int, runs where sleeping is allowed. */
noinline int tmulti_test_sleepable(int a)
{
	might_sleep();
	return a * 2;
}
ALLOW_ERROR_INJECTION(tmulti_test_sleepable, ERRNO);

/* Sleeps @ms ms: an fexit trampoline on it has tasks inside it most of the time. */
noinline int tmulti_sleep_ms(int ms)
{
	msleep(ms);
	return ms;
}

noinline long bpf_fentry_shadow_test(long a, long b)
{
	return a + b;
}

noinline bool tmulti_ret_bool(int a)
{
	return a > 0;
}
ALLOW_ERROR_INJECTION(tmulti_ret_bool, TRUE);

noinline void *tmulti_ret_ptr(int a)
{
	return a ? &results_lock : NULL;
}
ALLOW_ERROR_INJECTION(tmulti_ret_ptr, NULL);

noinline int tmulti_ret_true(int a)
{
	return a > 0;
}
ALLOW_ERROR_INJECTION(tmulti_ret_true, TRUE);

noinline int tmulti_skb_len(struct sk_buff *skb)
{
	return skb->len;
}

/*
 * Error-injectable like tmulti_test_int, but its argument is a pointer: an fmod_ret
 * multi program that reads an int there is refused by prototype alone. Never called.
 */
noinline int tmulti_errno_obj(struct tmulti_test_obj *obj)
{
	return obj ? obj->id : -EINVAL;
}
ALLOW_ERROR_INJECTION(tmulti_errno_obj, ERRNO);

/*
 * Return values of 16 bytes: the BTF verifier of a tracing program takes no struct
 * return value at all, and an integer one of more than 8 bytes only without fexit.
 * __noclone: gcc must not call a renamed clone from the trigger.
 */
noinline __noclone struct tmulti_big tmulti_ret_big(int a)
{
	struct tmulti_big big = { .lo = a, .hi = -a };

	return big;
}

noinline __noclone unsigned __int128 tmulti_ret_u128(int a)
{
	return (unsigned __int128)a << 64 | (unsigned int)a;
}

/* fmod_ret takes security_*() functions by their name */
noinline void security_tmulti_void(int a)
{
	barrier();
}

/* Not in available_filter_functions */
notrace noinline int tmulti_bad_notrace(int a)
{
	return a;
}

/* A trampoline passes at most 12 arguments */
noinline int tmulti_bad_13_args(int a1, int a2, int a3, int a4, int a5, int a6, int a7,
				 int a8, int a9, int a10, int a11, int a12, int a13)
{
	return a1 + a13;
}

/* nor structs of more than 16 bytes by value */
noinline int tmulti_bad_big_arg(struct tmulti_bad_big big)
{
	return big.a;
}

static long results[4];
static long big_results;	/* keeps the calls of tmulti_ret_big() and tmulti_ret_u128() */
static struct dentry *dir;

static ssize_t trigger_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	struct tmulti_test_obj obj = { .id = 100 };
	int a, err;

	err = kstrtoint_from_user(buf, len, 0, &a);
	if (err)
		return err;
	mutex_lock(&results_lock);
	results[0] = tmulti_test_int(a);
	results[1] = tmulti_test_long(a, 1000);
	results[2] = tmulti_test_obj(&obj, a);
	results[3] = tmulti_test_sleepable(a);
	WRITE_ONCE(big_results, tmulti_ret_big(a).hi + (long)(tmulti_ret_u128(a) >> 64));
	mutex_unlock(&results_lock);
	return len;
}

static ssize_t trigger_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	char out[96];
	int n;

	mutex_lock(&results_lock);
	n = scnprintf(out, sizeof(out), "%ld %ld %ld %ld\n",
		      results[0], results[1], results[2], results[3]);
	mutex_unlock(&results_lock);
	return simple_read_from_buffer(buf, len, ppos, out, n);
}

/* Calls the type identity tests' functions with the number written, reads back their sum */
static long types_result;

static ssize_t types_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	struct sk_buff *skb;
	int a, err;

	err = kstrtoint_from_user(buf, len, 0, &a);
	if (err)
		return err;
	mutex_lock(&results_lock);
	types_result = tmulti_dup_a_run(a) + tmulti_dup_b_run(a) + bpf_fentry_shadow_test(a, 2);
	skb = alloc_skb(64, GFP_KERNEL);
	if (skb) {
		skb_put(skb, a & 63);
		types_result += tmulti_skb_len(skb);
		kfree_skb(skb);
	}
	mutex_unlock(&results_lock);
	return len;
}

static ssize_t types_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	char out[32];
	int n;

	mutex_lock(&results_lock);
	n = scnprintf(out, sizeof(out), "%ld\n", types_result);
	mutex_unlock(&results_lock);
	return simple_read_from_buffer(buf, len, ppos, out, n);
}

/* Writing N calls tmulti_sleep_ms(N) */
static ssize_t sleep_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	int ms, err;

	err = kstrtoint_from_user(buf, len, 0, &ms);
	if (err)
		return err;
	if (ms < 0 || ms > 1000)
		return -EINVAL;
	tmulti_sleep_ms(ms);
	return len;
}

static const struct file_operations sleep_fops = {
	.owner = THIS_MODULE,
	.write = sleep_write,
};

static const struct file_operations types_fops = {
	.owner = THIS_MODULE,
	.write = types_write,
	.read = types_read,
};

static const struct file_operations trigger_fops = {
	.owner = THIS_MODULE,
	.write = trigger_write,
	.read = trigger_read,
};

static int __init tmulti_testmod_init(void)
{
	dir = debugfs_create_dir("tmulti_testmod", NULL);
	debugfs_create_file("trigger", 0600, dir, NULL, &trigger_fops);
	debugfs_create_file("types", 0600, dir, NULL, &types_fops);
	debugfs_create_file("sleep", 0200, dir, NULL, &sleep_fops);
	return 0;
}

static void __exit tmulti_testmod_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(tmulti_testmod_init);
module_exit(tmulti_testmod_exit);
MODULE_DESCRIPTION("Targets for the tracing multi-link tests");
MODULE_LICENSE("GPL");
