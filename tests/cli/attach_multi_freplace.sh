#!/bin/sh
# bpftool prog attach-multi PROG freplace with BPF program targets: one ext program on
# am_subprog of two tc programs, one link per target, pinned in a directory created for
# them ("<target prog id>_<func>"); each target runs the replacement while linked.
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
	.links[0].pinned == "\($d)/\($a)_am_subprog" and
	.links[1].pinned == "\($d)/\($b)_am_subprog" and
	[.links[].targets[] | .func, .target_prog_id, .module] ==
		["am_subprog", $a, null, "am_subprog", $b, null]' >/dev/null || fail "summary"
for l in 0 1; do
	id=$(echo "$out" | jq ".links[$l].id")
	pin=$(echo "$out" | jq -r ".links[$l].pinned")
	shown=$(bpftool -j link show pinned "$pin")
	echo "$shown" | jq -e --argjson id "$id" --argjson t "$(echo "$out" |
		jq ".links[$l].targets[0].target_prog_id")" \
		'.id == $id and .type == "tracing" and .target_obj_id == $t' >/dev/null ||
		fail "link show pinned $pin: $shown"
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
