#!/bin/sh
# bpftool gen skeleton -L of a tracing multi program: generation says that the light
# skeleton leaves the program unattached, and the program's generated attach function
# makes no link (a raw tracepoint, as for other tracing programs, fails the whole
# __attach()). The generated skeleton at work: the tmulti_lskel runner.
set -e
fail() { echo "FAIL: $*"; exit 1; }
err=/tmp/gen_lskel.err
trap 'rm -f $err' EXIT

out=$(bpftool gen skeleton -L /tests/tmulti_autoattach.bpf.o name t 2>$err) ||
	fail "gen skeleton -L: $(cat $err)"
cat $err
grep -qx "program 'autoattach_multi': a light skeleton does not attach tracing multi programs, attach it with BPF_LINK_CREATE" $err ||
	fail "no note on stderr"
body=$(echo "$out" | sed -n '/^t__autoattach_multi__attach(/,/^}/p')
[ -n "$body" ] || fail "no t__autoattach_multi__attach() in the skeleton"
echo "$body" | grep -q 'int fd = ((void)prog_fd, 0); /\* auto-attach not supported \*/' ||
	fail "the program is attached: $body"
! echo "$body" | grep -q skel_raw_tracepoint_open || fail "a raw tracepoint: $body"
echo "gen skeleton -L: note given, autoattach_multi left unattached"
