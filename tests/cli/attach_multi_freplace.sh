#!/bin/sh
# bpftool prog attach-multi PROG freplace with BPF program targets: one ext program on
# am_subprog of two tc programs, one link per target, pinned in a directory created for
# them ("<target prog id>_<func>"); each target runs the replacement while linked. The
# summary's links are "bpftool -j link show"'s objects plus "pinned", with attach type
# "freplace" (not the 0 of an extension program, which names cgroup_inet_ingress).
# A single target is pinned at FILE itself. A failure on the third target releases the
# two links made before it and removes the directory.
. "$(dirname "$0")/attach_multi_lib.sh"
P=/sys/fs/bpf/attach_multi_freplace
D=/sys/fs/bpf/attach_multi_freplace_links
trap 'rm -rf $P $D' EXIT
setup_progs $P
A=$P/tgt/tc_a
B=$P/tgt/tc_b
E=$P/tgt/ext
a=$(prog_id $A)
b=$(prog_id $B)

ret_a=$(tc_ret $A)
ret_b=$(tc_ret $B)
echo "before: tc_a $ret_a, tc_b $ret_b"

out=$(bpftool -j prog attach-multi pinned $E freplace prog pinned $A am_subprog \
	prog pinned $B am_subprog pinned $D)
rc=$?
echo "$out"
[ $rc = 0 ] || { echo "FAIL: attach-multi exit $rc"; exit 1; }
echo "$out" | jq -e --arg d $D --argjson a "$a" --argjson b "$b" --argjson e "$(prog_id $E)" '
	.prog_id == $e and .attach_type == "freplace" and (.links | length) == 2 and
	.links[0].pinned == ["\($d)/\($a)_am_subprog"] and
	.links[1].pinned == ["\($d)/\($b)_am_subprog"] and
	[.links[] | .type, .prog_type, .attach_type, .target_obj_id] ==
		["tracing", "ext", "freplace", $a, "tracing", "ext", "freplace", $b]' \
	>/dev/null || fail "summary"
for l in 0 1; do
	pin=$(echo "$out" | jq -r ".links[$l].pinned[0]")
	shown=$(bpftool -j link show pinned "$pin" | jq -cS .)
	[ "$(echo "$out" | jq -cS ".links[$l] | del(.pinned)")" = "$shown" ] ||
		fail "summary's link $l is not link show's: $shown"
	bpftool link show pinned "$pin" | grep -q "prog_type ext  attach_type freplace  " ||
		fail "plain link show pinned $pin: $(bpftool link show pinned "$pin")"
done
[ "$(tc_ret $A)" = $((ret_a + 99)) ] && [ "$(tc_ret $B)" = $((ret_b + 99)) ] ||
	fail "not replaced: tc_a $(tc_ret $A), tc_b $(tc_ret $B)"

rm -r $D
sleep 0.3
[ "$(tc_ret $A)" = "$ret_a" ] && [ "$(tc_ret $B)" = "$ret_b" ] ||
	fail "still replaced after rm -r $D: tc_a $(tc_ret $A), tc_b $(tc_ret $B)"
check_nothing_left $E "after rm -r $D"

# One target: the pin is the file itself; plain output.
out=$(bpftool link create pinned $E freplace prog pinned $B am_subprog pinned $D)
echo "$out"
id=$(bpftool -j link show pinned $D | jq .id)
[ "$out" = "link $id: freplace, target prog $b am_subprog, pinned $D" ] ||
	fail "single target: '$out'"
[ "$(tc_ret $B)" = $((ret_b + 99)) ] || fail "tc_b not replaced"
rm $D

# The third target fails (tc_a's am_subprog is replaced already): nothing is left.
err=$(bpftool prog attach-multi pinned $E freplace prog pinned $A am_subprog \
	prog pinned $B am_subprog prog pinned $A am_subprog pinned $D 2>&1)
rc=$?
echo "$err"
[ $rc != 0 ] || fail "third target: exit 0"
echo "$err" | grep -q "^Error: can't attach program 'am_ext' to prog $a am_subprog: " ||
	fail "third target: $err"
[ ! -e $D ] || fail "$D left: $(ls $D)"
check_nothing_left $E "after the failed third target"
[ "$(tc_ret $A)" = "$ret_a" ] && [ "$(tc_ret $B)" = "$ret_b" ] ||
	fail "replaced after the failure: tc_a $(tc_ret $A), tc_b $(tc_ret $B)"
exit $failed
