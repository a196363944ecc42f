#!/bin/sh
# bpftool prog attach-multi / link create of fentry, fexit and fmod_ret multi programs
# (loaded with "bpftool prog loadall", nothing attached at load), on the series' kernel
# and on mainline 7.2's (one BTF object per link, the program's attach BTF; no fmod_ret
# multi; link info from fdinfo, no addresses):
# - one fentry multi-link on vmlinux functions by name and glob, each with its cookie,
#   and where the kernel takes them a module function and a BPF program's subprogram:
#   the JSON summary's link is exactly "bpftool -j link show"'s object for it plus
#   "pinned" (every target as the kernel has it: func, module, id, btf_obj_id, prog_id,
#   cookie), pinned where asked, and each target runs the program with its cookie;
# - "link create" of an untyped fexit multi program, plain summary, and what it reads
#   through the helpers;
# - module:pattern for a program loaded for the test module, held until SIGINT;
# - 7.2: what it can't link, refused with one Error: line naming the module, nothing
#   left behind (a module's function for a program loaded for vmlinux, vmlinux and module
#   functions in one link);
# - fmod_ret multi on a module function where the kernel has it, else its load refused;
# - removing a pin releases its link and trampolines.
# Every check runs; the test fails if any of them did.
. "$(dirname "$0")/attach_multi_lib.sh"
P=/sys/fs/bpf/attach_multi
L=/sys/fs/bpf/attach_multi_link
MOD=tmulti_testmod
OUT=/tmp/attach_multi.out
ERR=/tmp/attach_multi.err
trap 'rm -rf $P $L ${L}2 $OUT $ERR' EXIT
setup_progs $P
F=$P/am_fentry
M=$P/am_mod_fexit
TC=$P/tgt/tc_a
ext=false
has ext && ext=true
info=fdinfo
has link_info && info="link info"
echo "the series' extensions: $ext; targets from $info"

btfs=$(bpftool -j btf show)
vmlinux_obj=$(echo "$btfs" | jq '.[] | select(.name == "vmlinux") | .id')
module_obj=$(echo "$btfs" | jq --arg m $MOD '.[] | select(.name == $m) | .id')
tc_id=$(prog_id $TC)
tc_btf=$(bpftool -j prog show pinned $TC | jq .btf_id)

# expect_refused WANT CMD...: refused, and no link of $F or $M left, no trampoline, no pin.
expect_refused() {
	refused "$@"
	shift
	check_nothing_left $F "$*"
	check_nothing_left $M "$*"
	[ ! -e $L ] || fail "$*: $L left"
}

# 1. Names and a glob (it adds bpf_fentry_test2..9: bpf_fentry_test1 is already a
#    target, with cookie 1); a module function and a program's subprogram where the
#    kernel links several BTF objects and programs at once.
extra=
$ext && extra="$MOD:tmulti_test_int cookie 2 prog pinned $TC am_subprog cookie 3"
# shellcheck disable=SC2086
out=$(bpftool -j prog attach-multi pinned $F fentry bpf_fentry_test1 cookie 1 $extra \
	'bpf_fentry_test?' cookie 4 pinned $L)
rc=$?
echo "$out"
[ $rc = 0 ] || { echo "FAIL: attach-multi exit $rc"; exit 1; }
want=$(jq -nc --argjson ext $ext --argjson v "$vmlinux_obj" --argjson m "$module_obj" \
	--argjson tb "$tc_btf" --argjson tp "$tc_id" '
	[{func: "bpf_fentry_test1", module: null, cookie: 1, btf_obj_id: $v, prog_id: 0}] +
	(if $ext then
	 [{func: "tmulti_test_int", module: "tmulti_testmod", cookie: 2, btf_obj_id: $m,
	   prog_id: 0},
	  {func: "am_subprog", module: null, cookie: 3, btf_obj_id: $tb, prog_id: $tp}]
	 else [] end) +
	[range(2; 10) | {func: "bpf_fentry_test\(.)", module: null, cookie: 4,
	 btf_obj_id: $v, prog_id: 0}] | sort_by(.func)')
echo "$out" | jq -e --arg l $L --argjson p "$(prog_id $F)" --argjson n "$(echo "$want" | jq length)" '
	.prog_id == $p and .attach_type == "trace_fentry_multi" and .skipped == [] and
	(.links | length) == 1 and .links[0].pinned == [$l] and .links[0].func_cnt == $n and
	([.links[0].funcs[] | keys] | unique) ==
		[["addr", "btf_obj_id", "cookie", "func", "id", "module", "prog_id"]]' \
	>/dev/null || fail "summary"
got=$(echo "$out" | jq -c '[.links[0].funcs[] | del(.addr, .id)] | sort_by(.func)')
[ "$got" = "$want" ] || fail "targets: got $got, want $want"
# Addresses where link info has them, none from fdinfo
if [ "$info" = "link info" ]; then
	echo "$out" | jq -e 'all(.links[0].funcs[]; .addr > 0)' >/dev/null || fail "an address is 0"
else
	echo "$out" | jq -e 'all(.links[0].funcs[]; .addr == 0)' >/dev/null ||
		fail "addresses, though fdinfo has none"
fi

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
for f in bpf_fentry_test1 bpf_fentry_test9; do
	grep -q "^$f " $TRACE || fail "$f not in enabled_functions"
done

# Each target runs the program with its cookie: test_run of a fentry multi program
# calls bpf_fentry_test1..9 once, the module's trigger its functions, tc_a its subprogram.
bpftool prog run pinned $F data_in $PKT >/dev/null || fail "prog run $F"
echo 7 >/sys/kernel/debug/$MOD/trigger || fail "module trigger"
[ "$(tc_ret $TC)" = 65 ] || fail "tc_a returned $(tc_ret $TC), not am_subprog(64)"
echo "hits: $(hits $F 1) $(hits $F 2) $(hits $F 3) $(hits $F 4) bad $(hits $F bad)"
n=0
$ext && n=1
[ "$(hits $F 1)" = 1 ] || fail "bpf_fentry_test1 (cookie 1): $(hits $F 1) hits"
[ "$(hits $F 2)" = $n ] || fail "tmulti_test_int (cookie 2): $(hits $F 2) hits, want $n"
[ "$(hits $F 3)" = $n ] || fail "am_subprog of tc_a (cookie 3): $(hits $F 3) hits, want $n"
[ "$(hits $F 4)" = 8 ] || fail "bpf_fentry_test2..9 (cookie 4): $(hits $F 4) hits"
[ "$(hits $F bad)" = 0 ] || fail "runs with an unknown cookie: $(hits $F bad)"

rm $L
i=0
while [ -n "$(links_of $F | jq '.[]')" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check_nothing_left $F "after rm $L"

# 2. link create, plain output, a fexit multi program
out=$(bpftool link create pinned $P/am_fexit fexit bpf_fentry_test1 pinned ${L}2)
rc=$?
echo "$out"
id=$(bpftool -j link show pinned ${L}2 | jq .id)
[ $rc = 0 ] && [ "$out" = "link $id: trace_fexit_multi, 1 target, pinned ${L}2" ] ||
	fail "link create: exit $rc, '$out'"
grep -q '^bpf_fentry_test1 ' $TRACE || fail "fexit: bpf_fentry_test1 not in enabled_functions"
# am_fexit is untyped: bpf_fentry_test1(1) = 2 through bpf_get_func_arg() and _ret()
bpftool prog run pinned $P/am_fexit data_in $PKT >/dev/null || fail "prog run am_fexit"
a=$(bss_var $P/am_fexit fexit_arg0)
r=$(bss_var $P/am_fexit fexit_ret)
echo "am_fexit: arg0 $a ret $r"
[ "$a" = 1 ] && [ "$r" = 2 ] || fail "am_fexit on bpf_fentry_test1(1): arg0 $a, ret $r"
rm ${L}2

# 3. module:pattern, for the program loaded for the module; held, then SIGINT. (The
#    programs of attach_multi.bpf.o share hits[]: cookie 6 is this link's alone.)
bpftool -j link create pinned $M fexit "$MOD:tmulti_test_*" cookie 6 hold >$OUT &
pid=$!
wait_summary $pid $OUT
cat $OUT; echo
nfuncs=$(grep -c "^tmulti_test_.*\[$MOD\]" /sys/kernel/tracing/available_filter_functions)
# (jq -e succeeds on an empty file)
[ -s $OUT ] && jq -e --argjson m "$module_obj" --argjson n "$nfuncs" --arg mod $MOD '
	.links[0].pinned == [] and .links[0].func_cnt == $n and
	all(.links[0].funcs[]; .module == $mod and .btf_obj_id == $m and .cookie == 6 and
		(.func | startswith("tmulti_test_")))' $OUT >/dev/null ||
	fail "$MOD:tmulti_test_*: summary (want $nfuncs functions)"
echo 5 >/sys/kernel/debug/$MOD/trigger || fail "module trigger"
[ "$(hits $M 6)" = "$nfuncs" ] || fail "$MOD:tmulti_test_* (cookie 6): $(hits $M 6) hits"
# the trigger's last call is tmulti_test_sleepable(5) = 10
[ "$(bss_var $M mod_arg0)" = 5 ] && [ "$(bss_var $M mod_ret)" = 10 ] ||
	fail "am_mod_fexit: arg0 $(bss_var $M mod_arg0), ret $(bss_var $M mod_ret)"
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
[ $rc = 0 ] || fail "hold: exit $rc after SIGINT"
i=0
while [ -n "$(links_of $M | jq '.[]')" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check_nothing_left $M "after SIGINT"

# 4. 7.2 links the functions of one BTF object, the program's attach BTF
if ! $ext; then
	expect_refused "'$MOD:tmulti_test_int' is in $MOD" prog attach-multi pinned $F \
		fentry "$MOD:tmulti_test_int" pinned $L
	expect_refused "'$MOD:tmulti_test_int' is in $MOD" prog attach-multi pinned $F \
		fentry bpf_fentry_test1 "$MOD:tmulti_test_int" pinned $L
fi

# 5. fmod_ret multi, anchored on bpf_modify_return_test(int a, int *b), on a module
#    function whose arg0 is an int too; returns 0, so the function runs as it is.
if setup_fmod_ret $P; then
	out=$(bpftool link create pinned $P/am_fmod_ret fmod_ret "$MOD:tmulti_test_int" \
		cookie 5 pinned $L)
	echo "$out"
	id=$(bpftool -j link show pinned $L | jq .id)
	[ "$out" = "link $id: modify_return_multi, 1 target, pinned $L" ] ||
		fail "fmod_ret link create: '$out'"
	echo 9 >/sys/kernel/debug/$MOD/trigger || fail "module trigger"
	[ "$(hits $P/am_fmod_ret 5)" = 1 ] && [ "$(bss_var $P/am_fmod_ret fmod_arg0)" = 9 ] ||
		fail "am_fmod_ret: $(hits $P/am_fmod_ret 5) hits, arg0 $(bss_var $P/am_fmod_ret fmod_arg0)"
	rm $L
fi

i=0
while [ -n "$(cat $TRACE)" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check_nothing_left $F "at the end"
check_nothing_left $M "at the end"
exit $failed
