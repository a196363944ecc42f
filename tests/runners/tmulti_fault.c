// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing multi-links when allocations fail: the attaching or releasing task's N-th
 * allocation is made to fail (/proc/thread-self/fail-nth, failslab and fail_page_alloc),
 * for N = 1, 2, ... until the operation runs without reaching the N-th allocation.
 * Every N must give a clean error (attach) or a complete release, leave nothing in
 * enabled_functions, the link list or the test module's refcount, and the programs
 * must stop running on the functions of a released link; the console must stay clean
 * while other threads call the traced functions and sleep inside an fexit target.
 * Also: link info copied into a buffer whose page faults stall (userfaultfd) must not
 * hold up BPF_LINK_DETACH; multi-links and live patches on one function coexist; a
 * single fentry link or LSM-cgroup attach does not wait for a big multi-link beside it.
 * Needs a kernel with fault injection (make check-fault).
 */
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include "testlib.h"
#include "many_funcs.h"
#include "tmulti_fault.skel.h"

#define SLEEP_FILE	"/sys/kernel/debug/" TESTMOD_NAME "/sleep"
#define SLEEPERS	4
#define MAX_TARGETS	2100

static struct btf *vmlinux_btf, *module_btf;
static int module_btf_fd = -1;

/* Let fail-nth reach the GFP_KERNEL allocations of every order, without log noise. */
static int fault_setup(void)
{
	static const char *const settings[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "failslab/verbose", "0" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "fail_page_alloc/verbose", "0" },
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", settings[i][0]);
		if (write_file(path, settings[i][1])) {
			fprintf(stderr, "%s: %s: no fault injection in this kernel\n", path,
				strerror(errno));
			return SKIP_EXIT;
		}
	}
	return 0;
}

/* Fail the calling thread's @n-th allocation from now on (0: none). */
static int fail_nth(int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", n);
	return write_file("/proc/thread-self/fail-nth", buf);
}

/* Whether the failure armed by fail_nth() was injected; disarms it. */
static bool fail_nth_fired(void)
{
	char buf[16] = "";
	int fd = open("/proc/thread-self/fail-nth", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	fail_nth(0);
	return n > 0 && atoi(buf) == 0;
}

static int setup(void)
{
	CHECK_EQ(testmod_load(), 0);
	vmlinux_btf = btf__load_vmlinux_btf();
	CHECK(vmlinux_btf, "vmlinux BTF: %d", -errno);
	module_btf = btf__load_module_btf(TESTMOD_NAME, vmlinux_btf);
	CHECK(module_btf, "module BTF: %d", -errno);
	module_btf_fd = btf_fd_by_name(TESTMOD_NAME);
	CHECK(module_btf_fd >= 0, "module BTF fd: %d", module_btf_fd);
	return 0;
}

struct targets {
	__u32 cnt;
	__u32 ids[MAX_TARGETS];
	__u32 fds[MAX_TARGETS];
	__u64 cookies[MAX_TARGETS];
};

/* Append test module function @func with cookie @cookie. */
static int add_module_func(struct targets *t, const char *func, __u64 cookie)
{
	int id = btf__find_by_name_kind(module_btf, func, BTF_KIND_FUNC);

	CHECK(id > 0, "no BTF FUNC %s", func);
	CHECK(t->cnt < MAX_TARGETS, "too many targets");
	t->ids[t->cnt] = id;
	t->fds[t->cnt] = module_btf_fd;
	t->cookies[t->cnt++] = cookie;
	return 0;
}

/* Append vmlinux functions @ids[0..@n-1], cookie 0. */
static int add_vmlinux_funcs(struct targets *t, const __u32 *ids, int n)
{
	CHECK(t->cnt + n <= MAX_TARGETS, "too many targets");
	memcpy(t->ids + t->cnt, ids, n * sizeof(*ids));
	memset(t->fds + t->cnt, 0, n * sizeof(*t->fds));
	memset(t->cookies + t->cnt, 0, n * sizeof(*t->cookies));
	t->cnt += n;
	return 0;
}

static int link_create(struct bpf_program *prog, const struct targets *t)
{
	return link_multi_fd(bpf_program__fd(prog), bpf_program__expected_attach_type(prog),
			     t->cnt, t->ids, t->fds, t->cookies, NULL, 0);
}

/* Threads that keep calling the test module's functions while the sweep runs. */
struct load {
	volatile bool stop;
	pthread_t callers[1 + SLEEPERS];
	int started;
};

static void *caller_main(void *arg)
{
	struct load *l = arg;

	while (!l->stop)
		testmod_trigger(1);
	return NULL;
}

static void *sleeper_main(void *arg)
{
	struct load *l = arg;

	while (!l->stop)
		write_file(SLEEP_FILE, "20");
	return NULL;
}

static int load_start(struct load *l)
{
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i <= SLEEPERS; i++) {
		if (pthread_create(&l->callers[i], NULL, i ? sleeper_main : caller_main, l))
			return -1;
		l->started++;
	}
	return 0;
}

static void load_stop(struct load *l)
{
	l->stop = true;
	while (l->started)
		pthread_join(l->callers[--l->started], NULL);
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait up to 2 s for enabled_functions to list @n functions. */
static int wait_enabled(int n)
{
	int i, now = enabled_functions();

	for (i = 0; i < 200 && now != n; i++) {
		msleep(10);
		now = enabled_functions();
	}
	return now;
}

/*
 * The skeleton with only @prog loaded, as a @type program, and @also (if not NULL) as
 * its section says. Each attempt that links takes a fresh one: nothing of an earlier
 * attempt's program is shared.
 */
static struct tmulti_fault *load_prog(const char *prog, enum bpf_attach_type type,
				      const char *also)
{
	struct tmulti_fault *skel = tmulti_fault__open();
	struct bpf_program *p;

	if (!skel)
		return NULL;
	bpf_object__for_each_program(p, skel->obj) {
		bool mine = !strcmp(bpf_program__name(p), prog);

		bpf_program__set_autoload(p, mine || (also && !strcmp(bpf_program__name(p), also)));
		if (mine)
			bpf_program__set_expected_attach_type(p, type);
	}
	if (tmulti_fault__load(skel)) {
		tmulti_fault__destroy(skel);
		return NULL;
	}
	return skel;
}

/* What a failed or released link must leave as it was */
struct baseline {
	int enabled;	/* functions in enabled_functions */
	int refcnt;	/* of the test module */
};

static void baseline_get(struct baseline *b)
{
	b->enabled = enabled_functions();
	b->refcnt = module_refcnt();
}

/* With the load threads stopped (their open debugfs files hold module references) */
static int baseline_check(const struct baseline *b, int prog_fd, int n)
{
	CHECK(count_links(prog_id(prog_fd)) == 0, "allocation %d: a link left behind", n);
	CHECK(wait_enabled(b->enabled) == b->enabled,
	      "allocation %d: enabled_functions lists %d functions, %d before", n, enabled_functions(),
	      b->enabled);
	CHECK(module_refcnt() == b->refcnt, "allocation %d: module refcnt %d, %d before", n,
	      module_refcnt(), b->refcnt);
	return 0;
}

/*
 * Attach: link "keep" holds half the functions on the shared ftrace ops; the swept
 * link takes them too (new images for live trampolines) plus as many new ones (new
 * trampolines), among them tmulti_sleep_ms, which four threads are inside of.
 */
static int attach_sweep(void)
{
	struct tmulti_fault *keep_skel, *skel;
	struct targets keep = {}, t = {};
	int keep_fd, fd, n, err, failures = 0, absorbed = 0;
	struct baseline base;
	__u32 cold[8];
	struct load l;

	err = setup() ?: fault_setup();
	if (err)
		return err;
	CHECK_EQ(cold_functions(vmlinux_btf, cold, 8), 8);
	keep_skel = load_prog("fexit_keep", BPF_TRACE_FEXIT_MULTI, NULL);
	CHECK(keep_skel, "load fexit_keep");
	CHECK_EQ(add_module_func(&keep, "tmulti_test_int", 0), 0);
	CHECK_EQ(add_module_func(&keep, "tmulti_test_long", 0), 0);
	CHECK_EQ(add_vmlinux_funcs(&keep, cold, 4), 0);
	keep_fd = link_create(keep_skel->progs.fexit_keep, &keep);
	CHECK(keep_fd >= 0, "keep link: %d", keep_fd);

	CHECK_EQ(add_module_func(&t, "tmulti_test_int", 1), 0);
	CHECK_EQ(add_module_func(&t, "tmulti_test_long", 0), 0);
	CHECK_EQ(add_module_func(&t, "tmulti_sleep_ms", 2), 0);
	CHECK_EQ(add_module_func(&t, "tmulti_test_obj", 0), 0);
	CHECK_EQ(add_vmlinux_funcs(&t, cold, 8), 0);

	baseline_get(&base);
	skel = load_prog("fexit_any", BPF_TRACE_FEXIT_MULTI, NULL);
	CHECK(skel, "load fexit_any");
	for (n = 1; ; n++) {
		CHECK_EQ(load_start(&l), 0);
		msleep(5);	/* the sleepers are in tmulti_sleep_ms */
		CHECK_EQ(fail_nth(n), 0);
		fd = link_create(skel->progs.fexit_any, &t);
		if (!fail_nth_fired()) {
			load_stop(&l);
			CHECK(fd >= 0, "link without failures: %d", fd);
			break;
		}
		/* Stopping waits for the sleepers: they return through what was left */
		load_stop(&l);
		if (fd >= 0) {
			/* The failure was absorbed (a fallback): the link must work */
			absorbed++;
			CHECK_EQ(testmod_trigger(1), 0);
			CHECK(skel->bss->hits[1] > 0, "allocation %d absorbed: no hit", n);
			close(fd);
			tmulti_fault__destroy(skel);
			skel = load_prog("fexit_any", BPF_TRACE_FEXIT_MULTI, NULL);
			CHECK(skel, "load fexit_any");
			continue;
		}
		failures++;
		CHECK(fd == -ENOMEM, "allocation %d failed: link_create gave %d", n, fd);
		CHECK_EQ(baseline_check(&base, bpf_program__fd(skel->progs.fexit_any), n), 0);
	}
	printf("%d allocations failed in turn, each a clean -ENOMEM; %d absorbed (a fallback "
	       "served); allocation %d was not reached\n", failures, absorbed, n);
	CHECK(failures > 0, "no allocation failed");

	/* The link made without failures works on the function slept in */
	CHECK_EQ(write_file(SLEEP_FILE, "1"), 0);
	CHECK(skel->bss->hits[2] > 0, "tmulti_sleep_ms: no hit");
	close(fd);
	close(keep_fd);
	CHECK_EQ(wait_enabled(0), 0);
	CHECK_EQ(module_refcnt(), 0);
	tmulti_fault__destroy(skel);
	tmulti_fault__destroy(keep_skel);
	return 0;
}

/*
 * kprobe_multi on the @n vmlinux functions of @ids and tmulti_test_int, from program
 * kprobe_any of @skel (loaded with it). NULL on failure.
 */
static struct bpf_link *kprobe_multi_on(struct tmulti_fault *skel, const __u32 *ids, int n)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts);
	const char **syms = calloc(n + 1, sizeof(*syms));
	struct bpf_link *link;
	int i;

	if (!syms)
		return NULL;
	for (i = 0; i < n; i++)
		syms[i] = btf__name_by_offset(vmlinux_btf,
					      btf__type_by_id(vmlinux_btf, ids[i])->name_off);
	syms[n] = "tmulti_test_int";
	opts.syms = syms;
	opts.cnt = n + 1;
	link = bpf_program__attach_kprobe_multi_opts(skel->progs.kprobe_any, NULL, &opts);
	free(syms);
	return link;
}

/*
 * Release: a link on @nfuncs vmlinux functions and tmulti_test_int (called in a loop),
 * which link "keep" also traces (and, if @kprobe, a kprobe_multi link on all of them:
 * ftrace then calls them through its list function, which reads the direct calls as
 * they are removed), released by close() or BPF_LINK_DETACH with its N-th allocation
 * failing; then the test module is unloaded, loaded again and called.
 */
static int release_sweep(bool detach, int nfuncs, bool kprobe)
{
	struct tmulti_fault *keep_skel, *skel;
	struct bpf_link *kp = NULL;
	int keep_fd, fd, n, step, failures = 0;
	struct targets keep = {}, *t;
	struct baseline base;
	__u32 *cold;
	struct load l;
	bool fired;
	__u64 hits;
	int err, i;

	err = setup() ?: fault_setup();
	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	cold = calloc(nfuncs, sizeof(*cold));
	CHECK(t && cold, "calloc");
	/* Up to @nfuncs: the VM kernel has about 2000 of them */
	i = cold_functions(vmlinux_btf, cold, nfuncs);
	CHECK(i >= nfuncs * 9 / 10, "%d cold functions, %d wanted", i, nfuncs);
	nfuncs = i;
	keep_skel = load_prog("fexit_keep", BPF_TRACE_FEXIT_MULTI,
			      kprobe ? "kprobe_any" : NULL);
	CHECK(keep_skel, "load fexit_keep");
	if (kprobe) {
		kp = kprobe_multi_on(keep_skel, cold, nfuncs);
		CHECK(kp, "kprobe_multi: %d", -errno);
	}
	CHECK_EQ(add_module_func(&keep, "tmulti_test_int", 0), 0);
	keep_fd = link_create(keep_skel->progs.fexit_keep, &keep);
	CHECK(keep_fd >= 0, "keep link: %d", keep_fd);
	CHECK_EQ(add_module_func(t, "tmulti_test_int", 1), 0);
	CHECK_EQ(add_vmlinux_funcs(t, cold, nfuncs), 0);

	baseline_get(&base);
	/* Every allocation up to 100 (20 for 2000 functions), then a sample: each link
	 * takes a while to make
	 */
	for (n = 1; ; n += step) {
		if (nfuncs <= 500)
			step = n < 100 ? 1 : n / 50;
		else
			step = n < 20 ? 1 : n / 5;
		skel = load_prog("fentry_any", BPF_TRACE_FENTRY_MULTI, NULL);
		CHECK(skel, "load fentry_any");
		fd = link_create(skel->progs.fentry_any, t);
		CHECK(fd >= 0, "link: %d", fd);
		CHECK_EQ(load_start(&l), 0);
		CHECK_EQ(fail_nth(n), 0);
		if (detach) {
			err = bpf_link_detach(fd) ? -errno : 0;
			fired = fail_nth_fired();
			close(fd);
			CHECK(!err, "allocation %d failed: BPF_LINK_DETACH: %d", n, err);
		} else {
			close(fd);
			fired = fail_nth_fired();
		}
		/* The program is off tmulti_test_int, which keeps being called */
		for (i = 0; i < 200; i++) {
			hits = skel->bss->hits[1];
			msleep(10);
			if (skel->bss->hits[1] == hits)
				break;
		}
		load_stop(&l);
		CHECK(i < 200, "allocation %d: the released program still runs", n);
		CHECK_EQ(baseline_check(&base, bpf_program__fd(skel->progs.fentry_any), n), 0);
		tmulti_fault__destroy(skel);
		if (!fired)
			break;	/* the release made fewer than n allocations */
		failures++;
	}
	printf("%s: %d releases with an allocation failing, each complete; none at %d\n",
	       detach ? "BPF_LINK_DETACH" : "close()", failures, n);
	if (kp) {
		CHECK(keep_skel->bss->kprobe_hits > 0, "kprobe_multi: no hit");
		bpf_link__destroy(kp);
	}
	close(keep_fd);
	tmulti_fault__destroy(keep_skel);
	CHECK_EQ(wait_enabled(0), 0);

	/* The module's functions left ftrace cleanly: unload, load and call it again */
	CHECK_EQ(testmod_unload(), 0);
	CHECK_EQ(testmod_load(), 0);
	CHECK_EQ(testmod_trigger(1), 0);
	CHECK_EQ(write_file(SLEEP_FILE, "1"), 0);
	CHECK_EQ(enabled_functions(), 0);
	free(cold);
	free(t);
	return 0;
}

static int release_close(void)
{
	return release_sweep(false, 500, false);
}

static int release_detach(void)
{
	return release_sweep(true, 500, false);
}

static int release_kprobe_multi(void)
{
	return release_sweep(false, 2000, true);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct info_call {
	int link_fd;
	void *buf;	/* userfaultfd-registered, never served */
	__u32 cnt;
	int err;
	volatile bool done;
};

static void *info_main(void *arg)
{
	struct info_call *c = arg;
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	info.tracing_multi.count = c->cnt;
	info.tracing_multi.ids = (__u64)(unsigned long)c->buf;
	c->err = bpf_link_get_info_by_fd(c->link_fd, &info, &len) ? -errno : 0;
	c->done = true;
	return NULL;
}

struct detach_call {
	int link_fd;
	int err;
	long long ms;
	volatile bool done;
};

static void *detach_main(void *arg)
{
	struct detach_call *c = arg;
	long long start = now_ms();

	c->err = bpf_link_detach(c->link_fd) ? -errno : 0;
	c->ms = now_ms() - start;
	c->done = true;
	return NULL;
}

/*
 * One thread reads the link's targets into a page whose fault userfaultfd never serves
 * (it stalls in the copy), another detaches the link: the detach must not wait for the
 * copy. Closing the userfaultfd ends the stall.
 */
static int link_info_stall(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {};
	struct detach_call d = {};
	struct info_call c = {};
	struct tmulti_fault *skel;
	struct targets t = {};
	pthread_t info_thread, detach_thread;
	struct pollfd pfd = { .events = POLLIN };
	long page = sysconf(_SC_PAGESIZE);
	__u32 cold[16];
	int uffd, i, err;

	err = setup();
	if (err)
		return err;
	CHECK_EQ(cold_functions(vmlinux_btf, cold, 16), 16);
	CHECK_EQ(add_vmlinux_funcs(&t, cold, 16), 0);
	skel = load_prog("fentry_any", BPF_TRACE_FENTRY_MULTI, NULL);
	CHECK(skel, "load fentry_any");
	c.link_fd = link_create(skel->progs.fentry_any, &t);
	CHECK(c.link_fd >= 0, "link: %d", c.link_fd);
	c.cnt = t.cnt;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	CHECK(uffd >= 0, "userfaultfd: %s", strerror(errno));
	CHECK_EQ(ioctl(uffd, UFFDIO_API, &api), 0);
	c.buf = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(c.buf != MAP_FAILED, "mmap");
	reg.range.start = (unsigned long)c.buf;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	CHECK_EQ(ioctl(uffd, UFFDIO_REGISTER, &reg), 0);

	CHECK_EQ(pthread_create(&info_thread, NULL, info_main, &c), 0);
	/* Until the copy is stalled on the page: the fault is queued on the uffd */
	pfd.fd = uffd;
	CHECK(poll(&pfd, 1, 10000) == 1, "link info never touched the buffer");
	CHECK(!c.done, "link info returned: %d", c.err);

	d.link_fd = c.link_fd;
	CHECK_EQ(pthread_create(&detach_thread, NULL, detach_main, &d), 0);
	for (i = 0; i < 500 && !d.done; i++)
		msleep(10);
	close(uffd);	/* the stalled copy completes, into a zero page */
	pthread_join(detach_thread, NULL);
	pthread_join(info_thread, NULL);
	printf("BPF_LINK_DETACH took %lld ms while link info was stalled\n", d.ms);
	CHECK(i < 500, "BPF_LINK_DETACH waited for the stalled link info (%lld ms)", d.ms);
	CHECK_EQ(d.err, 0);
	close(c.link_fd);
	CHECK_EQ(wait_enabled(0), 0);
	tmulti_fault__destroy(skel);
	return 0;
}

#define LIVEPATCH_PATH	"/tests/livepatch-sample.ko"
#define LIVEPATCH_SYSFS	"/sys/kernel/livepatch/livepatch_sample/"

/* Load the kernel's sample live patch (of cmdline_proc_show()); -errno on failure. */
static int livepatch_load(void)
{
	int fd = open(LIVEPATCH_PATH, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = -errno;
	close(fd);
	return err;
}

/* Disable the live patch, wait for its transition, unload it. */
static int livepatch_unload(void)
{
	char buf[8] = "";
	int i, fd;

	CHECK_EQ(write_file(LIVEPATCH_SYSFS "enabled", "0"), 0);
	for (i = 0; i < 1000; i++) {
		fd = open(LIVEPATCH_SYSFS "transition", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;	/* gone with its transition */
		buf[0] = 0;
		CHECK(read(fd, buf, sizeof(buf) - 1) > 0, "read transition");
		close(fd);
		if (buf[0] == '0')
			break;
		msleep(10);
	}
	for (i = 0; i < 1000 && syscall(SYS_delete_module, "livepatch_sample", O_NONBLOCK); i++)
		msleep(10);
	CHECK(i < 1000, "rmmod livepatch_sample: %s", strerror(errno));
	return 0;
}

/* Whether /proc/cmdline is the live patch's */
static bool cmdline_patched(void)
{
	char buf[256] = "";
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return strstr(buf, "live patched");
}

/*
 * A multi-link of a fresh fexit_any on cmdline_proc_show (cookie 1) and vfs_read: fexit,
 * so that the trampoline calls the function and must do so with its original stack
 * when a live patch shares it.
 */
static int cmdline_link(struct tmulti_fault **skel)
{
	struct targets t = {};
	int id;

	*skel = load_prog("fexit_any", BPF_TRACE_FEXIT_MULTI, NULL);
	if (!*skel)
		return -ENOENT;
	id = btf__find_by_name_kind(vmlinux_btf, "cmdline_proc_show", BTF_KIND_FUNC);
	t.ids[t.cnt] = id;
	t.cookies[t.cnt++] = 1;
	t.ids[t.cnt++] = btf__find_by_name_kind(vmlinux_btf, "vfs_read", BTF_KIND_FUNC);
	return link_create((*skel)->progs.fexit_any, &t);
}

/* The multi-link's program runs on cmdline_proc_show, live patched or not */
static int cmdline_traced(struct tmulti_fault *skel)
{
	__u64 before = skel->bss->hits[1];

	cmdline_patched();
	CHECK(skel->bss->hits[1] > before, "the program did not run on cmdline_proc_show");
	return 0;
}

/*
 * A multi-link and the kernel's sample live patch on one function coexist, in either
 * order, as a single fentry link and a live patch do: (a) link, then live patch; (b) live
 * patch, then link; (c) multi-link, single fentry link, the multi-link closed, then the
 * live patch.
 */
static int livepatch(void)
{
	struct tmulti_fault *skel, *single;
	struct bpf_link *single_link;
	int fd, err;

	err = setup();
	if (err)
		return err;
	if (access(LIVEPATCH_PATH, R_OK)) {
		fprintf(stderr, "no %s in this kernel's build\n", LIVEPATCH_PATH);
		return SKIP_EXIT;
	}

	/* (a) */
	fd = cmdline_link(&skel);
	CHECK(fd >= 0, "(a) link: %d", fd);
	err = livepatch_load();
	CHECK(!err, "(a) live patch after a multi-link: %d", err);
	CHECK(cmdline_patched(), "(a) /proc/cmdline is not patched");
	CHECK_EQ(cmdline_traced(skel), 0);
	close(fd);
	tmulti_fault__destroy(skel);
	CHECK_EQ(livepatch_unload(), 0);

	/* (b) */
	CHECK_EQ(livepatch_load(), 0);
	fd = cmdline_link(&skel);
	CHECK(fd >= 0, "(b) multi-link after a live patch: %d", fd);
	CHECK(cmdline_patched(), "(b) /proc/cmdline is not patched");
	CHECK_EQ(cmdline_traced(skel), 0);
	close(fd);
	tmulti_fault__destroy(skel);
	CHECK_EQ(livepatch_unload(), 0);

	/* (c) */
	fd = cmdline_link(&skel);
	CHECK(fd >= 0, "(c) link: %d", fd);
	single = load_prog("fentry_single", BPF_TRACE_FENTRY, NULL);
	CHECK(single, "load fentry_single");
	single_link = bpf_program__attach(single->progs.fentry_single);
	CHECK(single_link, "(c) single fentry: %d", -errno);
	close(fd);
	tmulti_fault__destroy(skel);
	err = livepatch_load();
	CHECK(!err, "(c) live patch after the multi-link went, a single link stays: %d", err);
	CHECK(cmdline_patched(), "(c) /proc/cmdline is not patched");
	CHECK(single->bss->single_hits > 0, "(c) the single link did not run");
	bpf_link__destroy(single_link);
	tmulti_fault__destroy(single);
	CHECK_EQ(livepatch_unload(), 0);
	CHECK_EQ(wait_enabled(0), 0);
	return 0;
}

/*
 * Latency: while a multi-link on every function safe to trace (latency_targets()) is
 * created and closed, again and again, a second task attaches and closes a single
 * fentry link on bpf_fentry_test2 and an LSM-cgroup program on file_open (if the
 * kernel has BPF LSM), functions safe_to_trace() leaves out. Neither shares a
 * trampoline with the multi-link: their attach waits for no lock of the multi-link's,
 * only for ftrace's (direct_mutex) while one ftrace update of the multi-link's runs,
 * and any ftrace user holds that while it patches its functions. So the reference is
 * a kprobe_multi link on the same functions, created and closed again and again for as
 * long: the probes' worst attach beside the multi-links must stay within
 * LATENCY_SLACK_MS or a quarter (the worst of a few samples is noisy) of their worst
 * attach beside the kprobe_multi links (or beside a multi-link that stays, if that is
 * slower: every traced call costs more then). Closing them is reported, not checked:
 * it waits for an RCU tasks grace period, which takes longer while the multi-link's
 * images are retired through RCU tasks.
 */
#define LATENCY_ROUNDS		10	/* of each probe, alone and beside a link */
#define LATENCY_MULTI_ROUNDS	2	/* multi-links created and closed */
#define LATENCY_SLACK_MS	50
#define MAX(a, b)		((a) > (b) ? (a) : (b))

struct multi_loop {
	__u32 *ids;
	int cnt;
	bool kprobe;	/* a kprobe_multi link on the same functions instead */
	long long min_ms;	/* go on until this long */
	long long ms;		/* how long it went on */
	long long attach_ms, detach_ms;	/* the slowest */
	int err;
	volatile bool done;
};

/* A multi-link of fentry_any (loaded into *@skel) on the targets of @m; fd or -errno */
static int multi_link(struct multi_loop *m, struct tmulti_fault **skel, char *log, int size)
{
	*skel = load_prog("fentry_any", BPF_TRACE_FENTRY_MULTI, NULL);
	if (!*skel)
		return -EINVAL;
	return link_multi_fd(bpf_program__fd((*skel)->progs.fentry_any), BPF_TRACE_FENTRY_MULTI,
			     m->cnt, m->ids, NULL, NULL, log, size);
}

static void *multi_loop_main(void *arg)
{
	struct multi_loop *m = arg;
	struct bpf_link *kp = NULL;
	struct tmulti_fault *skel;
	long long start = now_ms(), t0, t1;
	int i, fd;

	m->attach_ms = m->detach_ms = 0;
	for (i = 0; (i < LATENCY_MULTI_ROUNDS || now_ms() - start < m->min_ms) && !m->err; i++) {
		t0 = now_ms();
		if (m->kprobe) {
			skel = load_prog("kprobe_any", BPF_TRACE_KPROBE_MULTI, NULL);
			kp = skel ? kprobe_multi_on(skel, m->ids, m->cnt) : NULL;
			fd = kp ? 0 : -errno;
		} else {
			fd = multi_link(m, &skel, NULL, 0);
		}
		t1 = now_ms();
		if (fd < 0) {
			m->err = fd;
		} else {
			if (kp)
				bpf_link__destroy(kp);
			else
				close(fd);
			m->detach_ms = MAX(m->detach_ms, now_ms() - t1);
		}
		m->attach_ms = MAX(m->attach_ms, t1 - t0);
		tmulti_fault__destroy(skel);
	}
	m->ms = now_ms() - start;
	m->done = true;
	return NULL;
}

/*
 * The multi-link's targets: every function safe to trace that the kernel takes. Not on
 * a KASAN kernel: there every allocation and free walks the stack and saves it, and
 * with all those calls through trampolines under TCG, an RCU callback freeing an ftrace
 * hash ran for over 20 s (soft lockups). It takes the functions of cold subsystems.
 */
static int latency_targets(struct multi_loop *m)
{
	int nr = btf__type_cnt(vmlinux_btf), fd, tries;
	char *log = malloc(256 * 1024);
	struct tmulti_fault *skel;

	m->ids = calloc(nr, sizeof(*m->ids));
	CHECK(m->ids && log, "out of memory");
	if (btf__find_by_name_kind(vmlinux_btf, "kasan_report", BTF_KIND_FUNC) > 0)
		m->cnt = cold_functions(vmlinux_btf, m->ids, nr);
	else
		m->cnt = traceable_functions(vmlinux_btf, m->ids, nr, safe_to_trace);
	for (tries = 0; tries < 4; tries++) {
		fd = multi_link(m, &skel, log, 256 * 1024);
		if (fd >= 0)
			break;
		tmulti_fault__destroy(skel);
		CHECK(drop_logged_targets(log, m->ids, &m->cnt) > 0,
		      "link: %d, no target named in the log", fd);
	}
	CHECK(fd >= 0, "link: %d after %d tries", fd, tries);
	close(fd);
	tmulti_fault__destroy(skel);
	free(log);
	return 0;
}

struct probes {
	struct tmulti_fault *skel;
	struct bpf_program *prog[2];	/* fentry_probe, lsm_probe or NULL */
	int cg;
	long long worst[2], worst_close[2];
};

/* Attach and close each probe once; keep their worst times */
static int probe_once(struct probes *p)
{
	struct bpf_link *l;
	long long t0, t1;
	int k;

	for (k = 0; k < 2 && p->prog[k]; k++) {
		t0 = now_ms();
		l = k ? bpf_program__attach_cgroup(p->prog[k], p->cg) :
			bpf_program__attach(p->prog[k]);
		CHECK(l, "%s: %d", bpf_program__name(p->prog[k]), -errno);
		t1 = now_ms();
		bpf_link__destroy(l);
		p->worst[k] = MAX(p->worst[k], t1 - t0);
		p->worst_close[k] = MAX(p->worst_close[k], now_ms() - t1);
	}
	return 0;
}

static int probe_rounds(struct probes *p)
{
	int i;

	memset(p->worst, 0, sizeof(p->worst));
	memset(p->worst_close, 0, sizeof(p->worst_close));
	for (i = 0; i < LATENCY_ROUNDS; i++)
		CHECK_EQ(probe_once(p), 0);
	return 0;
}

/* Run the probes while the thread of @m creates and closes its links */
static int probes_beside(struct probes *p, struct multi_loop *m, int *samples)
{
	pthread_t thread;

	memset(p->worst, 0, sizeof(p->worst));
	memset(p->worst_close, 0, sizeof(p->worst_close));
	m->done = false;
	*samples = 0;
	CHECK_EQ(pthread_create(&thread, NULL, multi_loop_main, m), 0);
	while (!m->done) {
		CHECK_EQ(probe_once(p), 0);
		(*samples)++;
	}
	pthread_join(thread, NULL);
	CHECK(!m->err, "%s: %d", m->kprobe ? "kprobe_multi" : "multi-link", m->err);
	printf("%s on %d functions: created in up to %lld ms, closed in up to %lld ms (%lld ms "
	       "in all)\n", m->kprobe ? "kprobe_multi" : "multi-link", m->cnt, m->attach_ms,
	       m->detach_ms, m->ms);
	return 0;
}

static int latency(void)
{
	long long alone[2], steady[2], multi[2], alone_close[2], steady_close[2], multi_close[2];
	long long ref;
	struct tmulti_fault *skel;
	struct multi_loop m = {};
	struct probes p = {};
	int k, fd, samples[2];
	int err;

	err = setup();
	if (err)
		return err;
	CHECK_EQ(latency_targets(&m), 0);
	p.skel = load_prog("fentry_probe", BPF_TRACE_FENTRY, "lsm_probe");
	if (p.skel) {
		mkdir("/tmp/cgroup2", 0755);
		CHECK(!mount("none", "/tmp/cgroup2", "cgroup2", 0, NULL) || errno == EBUSY,
		      "mount cgroup2: %s", strerror(errno));
		p.cg = open("/tmp/cgroup2", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CHECK(p.cg >= 0, "cgroup2: %s", strerror(errno));
		p.prog[1] = p.skel->progs.lsm_probe;
	} else {
		printf("no BPF LSM in this kernel: the LSM-cgroup probe is left out\n");
		p.skel = load_prog("fentry_probe", BPF_TRACE_FENTRY, NULL);
		CHECK(p.skel, "load fentry_probe");
	}
	p.prog[0] = p.skel->progs.fentry_probe;

	CHECK_EQ(probe_rounds(&p), 0);
	memcpy(alone, p.worst, sizeof(alone));
	memcpy(alone_close, p.worst_close, sizeof(alone_close));
	fd = multi_link(&m, &skel, NULL, 0);
	CHECK(fd >= 0, "multi-link: %d", fd);
	CHECK_EQ(probe_rounds(&p), 0);
	memcpy(steady, p.worst, sizeof(steady));
	memcpy(steady_close, p.worst_close, sizeof(steady_close));
	close(fd);
	tmulti_fault__destroy(skel);

	/* The multi-links first; then kprobe_multi links for as long, for as many samples */
	CHECK_EQ(probes_beside(&p, &m, &samples[1]), 0);
	memcpy(multi, p.worst, sizeof(multi));
	memcpy(multi_close, p.worst_close, sizeof(multi_close));
	m.kprobe = true;
	m.min_ms = m.ms;
	CHECK_EQ(probes_beside(&p, &m, &samples[0]), 0);

	for (k = 0; k < 2 && p.prog[k]; k++)
		printf("%s, worst attach (close): %lld (%lld) ms alone, %lld (%lld) ms beside "
		       "the link, %lld (%lld) ms while kprobe_multi links are created and closed "
		       "(%d samples), %lld (%lld) ms while multi-links are (%d samples)\n",
		       k ? "lsm_cgroup on file_open" : "fentry on bpf_fentry_test2", alone[k],
		       alone_close[k], steady[k], steady_close[k], p.worst[k], p.worst_close[k],
		       samples[0], multi[k], multi_close[k], samples[1]);
	for (k = 0; k < 2 && p.prog[k]; k++) {
		ref = MAX(p.worst[k], steady[k]);
		CHECK(multi[k] <= ref + MAX(LATENCY_SLACK_MS, ref / 4),
		      "%s: attach took %lld ms while multi-links were created and closed, "
		      "%lld ms beside kprobe_multi links", bpf_program__name(p.prog[k]),
		      multi[k], ref);
	}
	tmulti_fault__destroy(p.skel);
	if (p.prog[1])
		close(p.cg);
	free(m.ids);
	return 0;
}

static const struct test tests[] = {
	{ "attach", attach_sweep },
	{ "release_close", release_close },
	{ "release_detach", release_detach },
	{ "release_kprobe_multi", release_kprobe_multi },
	{ "link_info_stall", link_info_stall },
	{ "livepatch", livepatch },
	{ "latency", latency },
	{}
};

int main(int argc, char **argv)
{
	return run_tests(tests, argc, argv);
}
