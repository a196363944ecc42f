#!/bin/sh
# bpftool prog attach-multi / link create on mainline 7.2's tracing multi-link (make
# check-mainline), with the untyped programs of mainline_multi.bpf.c loaded by "bpftool
# prog loadall" (nothing attached at load):
# - fentry multi on vmlinux functions by name and glob, each with its cookie: the JSON
#   summary lists every target as the kernel has it (7.2: from fdinfo, addresses 0), the
#   link is the one "bpftool link show" has, pinned where asked, and each target runs the
#   program with its cookie;
# - link create of the fexit multi program, plain summary, arg0 and the return value
#   through the helpers;
# - module:pattern for a program loaded for the test module (7.2 links a program to the
#   functions of its attach BTF only), held until SIGINT;
# - what 7.2 can't link, refused with one Error: line, nothing left behind: a module's
#   function for a program loaded for vmlinux, and vmlinux and module functions in one link;
# - removing the pins releases the links and their trampolines.
# Every check runs; the test fails if any of them did.
. "$(dirname "$0")/attach_multi_lib.sh"
P=/sys/fs/bpf/mainline_attach_multi
L=/sys/fs/bpf/mainline_attach_multi_link
MOD=tmulti_testmod
OUT=/tmp/mainline_attach_multi.out
trap 'rm -rf $P $L ${L}2 $OUT $PKT' EXIT
insmod /tests/$MOD.ko 2>/dev/null
grep -q "^$MOD " /proc/modules || { echo "FAIL: no $MOD"; exit 1; }
mkdir -p $P && bpftool prog loadall /tests/mainline_multi.bpf.o $P ||
	{ echo "FAIL: loading mainline_multi.bpf.o"; exit 1; }
head -c 64 /dev/zero >$PKT
F=$P/ml_fentry
M=$P/ml_mod_fentry

btfs=$(bpftool -j btf show)
vmlinux_obj=$(echo "$btfs" | jq '.[] | select(.name == "vmlinux") | .id')
module_obj=$(echo "$btfs" | jq --arg m $MOD '.[] | select(.name == $m) | .id')

# expect_refused WANT CMD...: bpftool CMD fails with one Error: line that contains WANT,
# prints nothing on stdout, leaves no link of $F or $M, no trampoline and no pin.
expect_refused() {
	want=$1
	shift
	out=$(bpftool "$@" 2>$OUT)
	rc=$?
	echo "bpftool $*: exit $rc: $(cat $OUT)"
	[ $rc != 0 ] || fail "$*: exit 0"
	[ "$(grep -c '^Error: ' $OUT)" = 1 ] || fail "$*: not one Error: line"
	grep '^Error: ' $OUT | grep -qF "$want" || fail "$*: Error: line without '$want'"
	[ -z "$out" ] || fail "$*: output on stdout: $out"
	check_nothing_left $F "$*"
	check_nothing_left $M "$*"
	[ ! -e $L ] || fail "$*: $L left"
}

# 1. Names and a glob, with cookies (the glob adds bpf_fentry_test2..9: bpf_fentry_test1
#    is already a target, with cookie 1).
out=$(bpftool -j prog attach-multi pinned $F fentry bpf_fentry_test1 cookie 1 \
	'bpf_fentry_test?' cookie 4 pinned $L)
rc=$?
echo "$out"
if [ $rc != 0 ]; then
	fail "attach-multi by names and glob: exit $rc"
else
	echo "$out" | jq -e --arg l $L --argjson p "$(prog_id $F)" '
		.prog_id == $p and .attach_type == "trace_fentry_multi" and .skipped == 0 and
		(.links | length) == 1 and .links[0].pinned == [$l] and
		.links[0].func_cnt == 9 and all(.links[0].funcs[]; .addr == 0)' >/dev/null ||
		fail "summary"
	want=$(jq -nc --argjson v "$vmlinux_obj" '
		[range(1; 10) | {func: "bpf_fentry_test\(.)", module: null,
		 cookie: (if . == 1 then 1 else 4 end), btf_obj_id: $v, prog_id: 0}] |
		sort_by(.func)')
	got=$(echo "$out" | jq -c '[.links[0].funcs[] | del(.addr, .id)] | sort_by(.func)')
	[ "$got" = "$want" ] || fail "targets: got $got, want $want"
	link_id=$(echo "$out" | jq '.links[0].id')
	shown=$(bpftool -j link show pinned $L)
	echo "$shown" | jq -e --argjson id "$link_id" \
		'.id == $id and .type == "tracing_multi" and .func_cnt == 9' >/dev/null ||
		fail "link show pinned $L: $shown"
fi
for f in bpf_fentry_test1 bpf_fentry_test9; do
	grep -q "^$f " $TRACE || fail "$f not in enabled_functions"
done
# test_run of a fentry multi program calls bpf_fentry_test1..10 once each
bpftool prog run pinned $F data_in $PKT >/dev/null || fail "prog run $F"
echo "hits: $(hits $F 1) $(hits $F 4) bad $(hits $F bad)"
[ "$(hits $F 1)" = 1 ] || fail "bpf_fentry_test1 (cookie 1): $(hits $F 1) hits"
[ "$(hits $F 4)" = 8 ] || fail "bpf_fentry_test2..9 (cookie 4): $(hits $F 4) hits"
[ "$(hits $F bad)" = 0 ] || fail "runs with an unknown cookie: $(hits $F bad)"
rm -f $L

# 2. link create, plain output, a fexit multi program
out=$(bpftool link create pinned $P/ml_fexit fexit bpf_fentry_test1 pinned ${L}2)
rc=$?
echo "$out"
id=$(bpftool -j link show pinned ${L}2 2>/dev/null | jq .id)
[ $rc = 0 ] && [ "$out" = "link $id: trace_fexit_multi, 1 target, pinned ${L}2" ] ||
	fail "link create: exit $rc, '$out'"
if [ -e ${L}2 ]; then
	bpftool prog run pinned $P/ml_fexit data_in $PKT >/dev/null || fail "prog run ml_fexit"
	a=$(bss_var $P/ml_fexit fexit_arg0)
	r=$(bss_var $P/ml_fexit fexit_ret)
	echo "ml_fexit: arg0 $a ret $r"
	[ "$a" = 1 ] && [ "$r" = 2 ] || fail "ml_fexit on bpf_fentry_test1(1): arg0 $a, ret $r"
fi
rm -f ${L}2

# 3. module:pattern, for the program loaded for the module; held, then SIGINT
bpftool -j link create pinned $M fentry "$MOD:tmulti_test_*" cookie 3 hold >$OUT &
pid=$!
i=0
while ! { [ -s $OUT ] && jq -e .links $OUT >/dev/null 2>&1; } &&
	kill -0 $pid 2>/dev/null && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
cat $OUT; echo
nfuncs=$(grep -c "^tmulti_test_.*\[$MOD\]" /sys/kernel/tracing/available_filter_functions)
# (jq -e succeeds on an empty file)
[ -s $OUT ] && jq -e --argjson m "$module_obj" --argjson n "$nfuncs" --arg mod $MOD '
	.links[0].pinned == [] and .links[0].func_cnt == $n and
	all(.links[0].funcs[]; .module == $mod and .btf_obj_id == $m and .cookie == 3 and
		(.func | startswith("tmulti_test_")))' $OUT >/dev/null ||
	fail "$MOD:tmulti_test_*: summary (want $nfuncs functions)"
echo 5 >/sys/kernel/debug/$MOD/trigger || fail "module trigger"
[ "$(hits $M 3)" = "$nfuncs" ] || fail "$MOD:tmulti_test_* (cookie 3): $(hits $M 3) hits"
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
[ $rc = 0 ] || fail "hold: exit $rc after SIGINT"

# 4. What 7.2 can't link: the functions of one BTF object per link, the program's own
expect_refused "$MOD:tmulti_test_int" prog attach-multi pinned $F fentry "$MOD:tmulti_test_int" \
	pinned $L
expect_refused "one BTF object" prog attach-multi pinned $F fentry bpf_fentry_test1 \
	"$MOD:tmulti_test_int" pinned $L

i=0
while [ -n "$(cat $TRACE)" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check_nothing_left $F "at the end"
check_nothing_left $M "at the end"
exit $failed
