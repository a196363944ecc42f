#!/bin/sh
# bpftool prog attach-multi / link create of fentry, fexit and fmod_ret multi programs
# (loaded with "bpftool prog loadall", nothing attached at load):
# - one fentry multi-link on a vmlinux function, a module function, a BPF program's
#   subprogram and a glob, each with its cookie: the JSON summary's link is exactly
#   "bpftool -j link show"'s object for it plus "pinned" (every target as the kernel has
#   it: func, module, id, btf_obj_id, prog_id, cookie), pinned where asked, and each
#   target runs the program with its cookie;
# - "link create" of an untyped fexit multi program, plain summary, and what it reads
#   through the helpers;
# - removing the pin releases the link and its trampolines.
. "$(dirname "$0")/attach_multi_lib.sh"
P=/sys/fs/bpf/attach_multi
L=/sys/fs/bpf/attach_multi_link
trap 'rm -rf $P $L ${L}2' EXIT
setup_progs $P
F=$P/am_fentry
TC=$P/tgt/tc_a

btfs=$(bpftool -j btf show)
vmlinux_obj=$(echo "$btfs" | jq '.[] | select(.name == "vmlinux") | .id')
module_obj=$(echo "$btfs" | jq '.[] | select(.name == "tmulti_testmod") | .id')
tc_id=$(prog_id $TC)
tc_btf=$(bpftool -j prog show pinned $TC | jq .btf_id)

out=$(bpftool -j prog attach-multi pinned $F fentry bpf_fentry_test1 cookie 1 \
	tmulti_testmod:tmulti_test_int cookie 2 prog pinned $TC am_subprog cookie 3 \
	'bpf_fentry_test?' cookie 4 pinned $L)
rc=$?
echo "$out"
[ $rc = 0 ] || { echo "FAIL: attach-multi exit $rc"; exit 1; }

# The summary: one link, pinned at $L, the program, and the targets (the glob adds
# bpf_fentry_test2..9: bpf_fentry_test1 is already a target, with cookie 1).
echo "$out" | jq -e --arg l $L --argjson p "$(prog_id $F)" '
	.prog_id == $p and .attach_type == "trace_fentry_multi" and .skipped == 0 and
	(.links | length) == 1 and .links[0].pinned == [$l] and .links[0].func_cnt == 11 and
	([.links[0].funcs[] | keys] | unique) ==
		[["addr", "btf_obj_id", "cookie", "func", "id", "module", "prog_id"]]' \
	>/dev/null || fail "summary"
want=$(jq -nc --argjson v "$vmlinux_obj" --argjson m "$module_obj" --argjson tb "$tc_btf" \
	--argjson tp "$tc_id" '
	[{func: "bpf_fentry_test1", module: null, cookie: 1, btf_obj_id: $v, prog_id: 0},
	 {func: "tmulti_test_int", module: "tmulti_testmod", cookie: 2, btf_obj_id: $m,
	  prog_id: 0},
	 {func: "am_subprog", module: null, cookie: 3, btf_obj_id: $tb, prog_id: $tp}] +
	[range(2; 10) | {func: "bpf_fentry_test\(.)", module: null, cookie: 4,
	 btf_obj_id: $v, prog_id: 0}] | sort_by(.func)')
got=$(echo "$out" | jq -c '[.links[0].funcs[] | del(.addr, .id)] | sort_by(.func)')
[ "$got" = "$want" ] || fail "targets: got $got, want $want"

# BTF ids as bpftool btf dump has them
for f in bpf_fentry_test1 bpf_fentry_test5; do
	id=$(bpftool btf dump id "$vmlinux_obj" | sed -n "s/^\[\([0-9]*\)\] FUNC '$f' .*/\1/p")
	echo "$out" | jq -e --arg f $f --argjson id "$id" \
		'.links[0].funcs[] | select(.func == $f) | .id == $id' >/dev/null ||
		fail "$f: btf_id is not $id"
done

# The link is what bpftool link show has for the pin, key for key
shown=$(bpftool -j link show pinned $L | jq -cS .)
[ "$(echo "$out" | jq -cS '.links[0] | del(.pinned)')" = "$shown" ] ||
	fail "summary's link is not link show's: $(echo "$out" | jq -c .links[0]), $shown"
echo "$shown" | jq -e '.type == "tracing_multi" and .func_cnt == 11' >/dev/null ||
	fail "link show pinned $L: $shown"
for f in bpf_fentry_test1 bpf_fentry_test9 tmulti_test_int; do
	grep -q "^$f " $TRACE || fail "$f not in enabled_functions"
done

# Each target runs the program with its cookie: test_run of a fentry multi program
# calls bpf_fentry_test1..9 once, the module's trigger its functions, tc_a its subprogram.
bpftool prog run pinned $F data_in $PKT >/dev/null || fail "prog run $F"
echo 7 >/sys/kernel/debug/tmulti_testmod/trigger || fail "module trigger"
[ "$(tc_ret $TC)" = 65 ] || fail "tc_a returned $(tc_ret $TC), not am_subprog(64)"
echo "hits: $(hits $F 1) $(hits $F 2) $(hits $F 3) $(hits $F 4) bad $(hits $F bad)"
[ "$(hits $F 1)" = 1 ] || fail "bpf_fentry_test1 (cookie 1): $(hits $F 1) hits"
[ "$(hits $F 2)" = 1 ] || fail "tmulti_test_int (cookie 2): $(hits $F 2) hits"
[ "$(hits $F 3)" = 1 ] || fail "am_subprog of tc_a (cookie 3): $(hits $F 3) hits"
[ "$(hits $F 4)" = 8 ] || fail "bpf_fentry_test2..9 (cookie 4): $(hits $F 4) hits"
[ "$(hits $F bad)" = 0 ] || fail "runs with an unknown cookie: $(hits $F bad)"

rm $L
i=0
while [ -n "$(links_of $F | jq '.[]')" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check_nothing_left $F "after rm $L"

# link create, plain output, a fexit multi program
out=$(bpftool link create pinned $P/am_fexit fexit bpf_fentry_test1 pinned ${L}2)
rc=$?
echo "$out"
id=$(bpftool -j link show pinned ${L}2 | jq .id)
[ $rc = 0 ] && [ "$out" = "link $id: trace_fexit_multi, 1 target, pinned ${L}2" ] ||
	fail "link create: exit $rc, '$out'"
grep -q '^bpf_fentry_test1 ' $TRACE || fail "fexit: bpf_fentry_test1 not in enabled_functions"
# am_fexit is untyped: bpf_fentry_test1(1) = 2 through bpf_get_func_arg() and _ret()
bpftool prog run pinned $P/am_fexit data_in $PKT >/dev/null || fail "prog run am_fexit"
echo "am_fexit: arg0 $(bss_var $P/am_fexit fexit_arg0) ret $(bss_var $P/am_fexit fexit_ret)"
[ "$(bss_var $P/am_fexit fexit_arg0)" = 1 ] && [ "$(bss_var $P/am_fexit fexit_ret)" = 2 ] ||
	fail "am_fexit on bpf_fentry_test1(1): arg0 $(bss_var $P/am_fexit fexit_arg0), ret $(bss_var $P/am_fexit fexit_ret)"
rm ${L}2
exit $failed
