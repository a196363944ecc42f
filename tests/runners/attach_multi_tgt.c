// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: loads and pins BPF program targets for bpftool's attach-multi tests, as
 * bpftool cannot load an freplace program against a target program.
 *
 *   attach_multi_tgt DIR	pins DIR/tc_a and DIR/tc_b, two copies of the tc program
 *				am_tc, and DIR/ext, the freplace program am_ext loaded
 *				against am_subprog of DIR/tc_a; attaches nothing.
 */
#include "testlib.h"
#include "attach_multi_tgt.skel.h"

/* Load only @name of a fresh skeleton, against @target's am_subprog if it is >= 0. */
static int load_pin(const char *dir, const char *pin, const char *name, int target)
{
	struct attach_multi_tgt *skel = attach_multi_tgt__open();
	struct bpf_program *prog, *mine = NULL;
	char path[256];
	int err;

	if (!skel)
		return -errno;
	bpf_object__for_each_program(prog, skel->obj) {
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), name));
		if (!strcmp(bpf_program__name(prog), name))
			mine = prog;
	}
	err = target >= 0 ? bpf_program__set_attach_target(mine, target, "am_subprog") : 0;
	err = err ?: attach_multi_tgt__load(skel);
	snprintf(path, sizeof(path), "%s/%s", dir, pin);
	err = err ?: bpf_program__pin(mine, path);
	if (err)
		fprintf(stderr, "%s: %d\n", path, err);
	attach_multi_tgt__destroy(skel);
	return err;
}

int main(int argc, char **argv)
{
	char path[256];
	int err, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	err = load_pin(argv[1], "tc_a", "am_tc", -1);
	err = err ?: load_pin(argv[1], "tc_b", "am_tc", -1);
	if (err)
		return 1;
	snprintf(path, sizeof(path), "%s/tc_a", argv[1]);
	fd = bpf_obj_get(path);
	if (fd < 0 || load_pin(argv[1], "ext", "am_ext", fd))
		return 1;
	close(fd);
	return 0;
}
