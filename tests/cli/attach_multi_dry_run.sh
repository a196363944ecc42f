#!/bin/sh
# bpftool prog attach-multi / link create ... dry-run: what a target list resolves to,
# attaching nothing.
# - names, a glob, module:name with cookies, -j: every key there, the values as the
#   kernel's BTF has them; functions of BPF programs, freplace's too; the same targets
#   as a real attach of a list links;
# - module:pattern over the test module: its functions in, or left out with libbpf's
#   reason (notrace, prototypes, a name two functions share);
# - a vmlinux glob: every target in available_filter_functions, none twice;
# - a target file; the plain output; bad input still an error;
# - what only the kernel refuses: a dry-run target, in the summary's skipped with its reason;
# - nothing attached, pinned or held: no new link, nothing in enabled_functions.
# The tracing program is the demo's (untyped fentry.multi: 7.2 loads it, unlike the fmod_ret
# multi program of attach_multi.bpf.o).
. "$(dirname "$0")/attach_multi_lib.sh"
P=/sys/fs/bpf/attach_multi_dry_run
L=/sys/fs/bpf/attach_multi_dry_run_link
TARGETS=/tmp/attach_multi_dry_run.targets
AFF=/tmp/attach_multi_dry_run.aff
trap 'rm -rf $P $L $TARGETS $AFF $PKT' EXIT
MOD=tmulti_testmod
F=$P/count_calls
insmod /tests/$MOD.ko 2>/dev/null
grep -q "^$MOD " /proc/modules || { echo "FAIL: no $MOD"; exit 1; }
mkdir -p $P/tgt && bpftool prog load /tests/demo_vfs.bpf.o $F && attach_multi_tgt $P/tgt ||
	{ echo "FAIL: loading the test programs"; exit 1; }
head -c 64 /dev/zero >$PKT
# a copy: each read of the tracefs file is slow
cat /sys/kernel/tracing/available_filter_functions >$AFF
links_before=$(bpftool -j link show | jq length)

vmlinux_obj=$(bpftool -j btf show | jq '.[] | select(.name == "vmlinux") | .id')
module_obj=$(bpftool -j btf show | jq --arg m $MOD '.[] | select(.name == $m) | .id')
# BTF id of function $2 in BTF object $1
btf_id() { bpftool btf dump id "$1" 2>/dev/null | sed -n "s/^\[\([0-9]*\)\] FUNC '$2' .*/\1/p"; }

dry() { bpftool -j prog attach-multi pinned $F fentry "$@" dry-run; }

# Names, a glob and module:name, with cookies
out=$(dry bpf_fentry_test1 cookie 1 $MOD:tmulti_test_int cookie 0x2 'bpf_fentry_test?' cookie 4)
rc=$?
echo "$out" | jq -c .
[ $rc = 0 ] || { echo "FAIL: dry-run exit $rc"; exit 1; }
echo "$out" | jq -e --argjson p "$(prog_id $F)" '
	keys == ["attach_type", "func_cnt", "funcs", "prog_id", "skipped"] and
	.prog_id == $p and .attach_type == "trace_fentry_multi" and .func_cnt == 10 and
	(.funcs | length) == 10 and .skipped == [] and
	([.funcs[] | keys] | unique) ==
		[["btf_obj_id", "cookie", "func", "id", "module", "prog_id"]]' >/dev/null ||
	fail "names and glob: keys or counts"
want=$(jq -nc --argjson v "$vmlinux_obj" --argjson m "$module_obj" \
	--argjson id1 "$(btf_id "$vmlinux_obj" bpf_fentry_test1)" \
	--argjson idm "$(btf_id "$module_obj" tmulti_test_int)" '
	[{id: $id1, func: "bpf_fentry_test1", module: null, cookie: 1, btf_obj_id: $v,
	  prog_id: 0},
	 {id: $idm, func: "tmulti_test_int", module: "tmulti_testmod", cookie: 2,
	  btf_obj_id: $m, prog_id: 0}]')
got=$(echo "$out" | jq -c '[.funcs[0], .funcs[1]]')
[ "$got" = "$want" ] || fail "named targets: got $got, want $want"
[ "$(echo "$out" | jq -c '[.funcs[2:][] | [.func, .cookie, .module]] | sort')" = \
  "$(jq -nc '[range(2; 10) | ["bpf_fentry_test\(.)", 4, null]]')" ] ||
	fail "glob: $(echo "$out" | jq -c '[.funcs[2:][] | .func]')"

# Functions of BPF programs: of a tracing multi-link, and freplace's (one link each)
TC=$P/tgt/tc_a
TCB=$P/tgt/tc_b
prog_target() {
	jq -nc --argjson p "$(prog_id "$1")" --argjson c "$2" \
		--argjson b "$(bpftool -j prog show pinned "$1" | jq .btf_id)" \
		'{func: "am_subprog", module: null, cookie: $c, btf_obj_id: $b, prog_id: $p}'
}
out=$(dry prog pinned $TC am_subprog cookie 3) || fail "prog target: $out"
[ "$(echo "$out" | jq -c '.funcs[0] | del(.id)')" = "$(prog_target $TC 3)" ] ||
	fail "prog target: $(echo "$out" | jq -c .funcs)"
out=$(bpftool -j link create pinned $P/tgt/ext freplace prog pinned $TC am_subprog \
	prog pinned $TCB am_subprog dry-run) || fail "freplace: $out"
[ "$(echo "$out" | jq -c '.attach_type, .func_cnt, [.funcs[] | del(.id)]' | tr '\n' ' ')" = \
  "\"freplace\" 2 [$(prog_target $TC 0),$(prog_target $TCB 0)] " ] ||
	fail "freplace: $(echo "$out" | jq -c .)"
[ "$(tc_ret $TC)" = 65 ] || fail "freplace dry-run: tc_a returned $(tc_ret $TC)"

# What a real attach of a list links: dry-run's targets, key for key (vmlinux only:
# 7.2 kernels link the functions of one BTF object)
out=$(dry bpf_fentry_test1 cookie 1 'bpf_fentry_test?' cookie 4)
real=$(bpftool -j link create pinned $F fentry bpf_fentry_test1 cookie 1 \
	'bpf_fentry_test?' cookie 4 pinned $L) || fail "attach: $real"
[ "$(echo "$real" | jq -cS '[.links[0].funcs[] | del(.addr)] | sort_by(.func)')" = \
  "$(echo "$out" | jq -cS '.funcs | sort_by(.func)')" ] ||
	fail "the link's targets are not dry-run's: $(echo "$real" | jq -c .links[0].funcs)"
rm -f $L
i=0
while [ -n "$(cat $TRACE)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# module:pattern over the test module: what libbpf leaves out, and why
out=$(dry "$MOD:tmulti_*") || fail "$MOD:tmulti_*: $out"
echo "$out" | jq -c .skipped
reason() {
	echo "$out" | jq -r --arg f "$1" --arg m $MOD \
		'.skipped[] | select(.func == $f and .module == $m) | .reason'
}
case $(reason tmulti_bad_notrace) in
*available_filter_functions*) ;;
*) fail "tmulti_bad_notrace (notrace): '$(reason tmulti_bad_notrace)'" ;;
esac
[ "$(reason tmulti_bad_13_args)" = "more than 12 arguments" ] ||
	fail "tmulti_bad_13_args: '$(reason tmulti_bad_13_args)'"
[ "$(reason tmulti_bad_big_arg)" = "unsupported argument type" ] ||
	fail "tmulti_bad_big_arg (24-byte struct): '$(reason tmulti_bad_big_arg)'"
[ "$(reason tmulti_ret_big)" = "unsupported return type" ] ||
	fail "tmulti_ret_big (struct return): '$(reason tmulti_ret_big)'"
case $(reason tmulti_namesake) in
ambiguous*) ;;
*) fail "tmulti_namesake (two static functions): '$(reason tmulti_namesake)'" ;;
esac
echo "$out" | jq -e --arg m $MOD '.skipped | all(.module == $m and (keys ==
	["func", "module", "reason"]))' >/dev/null || fail "skipped: keys or module"
# Every function of the module's BTF the pattern matches is a target or left out,
# and every target is one ftrace lists
in=$(echo "$out" | jq -r '.funcs[] | .func' | sort)
left=$(echo "$out" | jq -r '.skipped[] | .func' | sort)
btf=$(bpftool btf dump id "$module_obj" 2>/dev/null | sed -n "s/^\[[0-9]*\] FUNC '\(tmulti_[^']*\)'.*/\1/p" |
	sort -u)
[ -n "$in" ] || fail "$MOD:tmulti_*: no target"
[ "$(printf '%s\n%s\n' "$in" "$left" | sort -u)" = "$btf" ] ||
	fail "$MOD:tmulti_*: targets $(echo $in), left out $(echo $left), in BTF $(echo $btf)"
for f in $in; do
	grep -qx "$f \[$MOD\]" $AFF || fail "$MOD:$f: not in available_filter_functions"
done
echo "$out" | jq -e --argjson m "$module_obj" \
	'[.funcs[] | .module == "tmulti_testmod" and .btf_obj_id == $m] | all' >/dev/null ||
	fail "$MOD:tmulti_*: module or btf_obj_id"

# A vmlinux glob: each target listed by ftrace, each function once
out=$(dry 'vmlinux:vfs_*') || fail "vfs_*: $out"
n=$(echo "$out" | jq .func_cnt)
echo "vmlinux:vfs_*: $n targets, $(echo "$out" | jq '.skipped | length') left out"
[ "$n" -gt 0 ] || fail "vfs_*: no target"
echo "$out" | jq -e --argjson v "$vmlinux_obj" '[.funcs[] | (.func | startswith("vfs_")) and
	.module == null and .btf_obj_id == $v and .cookie == 0] | all' >/dev/null ||
	fail "vfs_*: func, module, btf_obj_id or cookie"
[ "$(echo "$out" | jq -r '.funcs[] | .func' | sort -u | wc -l)" = "$n" ] ||
	fail "vfs_*: a function twice"
unlisted=$(echo "$out" | jq -r '.funcs[] | .func' | awk 'NR == FNR { a[$0]; next }
	!($0 in a)' $AFF -)
[ -z "$unlisted" ] || fail "vfs_*: not in available_filter_functions: $unlisted"

# A target file (link create: the same command), cookies as there
printf 'bpf_fentry_test1 cookie 7 # a comment\n\n%s:tmulti_test_int cookie 0x10\n' $MOD \
	>$TARGETS
out=$(bpftool -j link create pinned $F fentry file $TARGETS dry-run) ||
	fail "file: $out"
[ "$(echo "$out" | jq -c '[.funcs[] | [.func, .cookie]]')" = \
  '[["bpf_fentry_test1",7],["tmulti_test_int",16]]' ] || fail "file: $(echo "$out" | jq -c .)"

# Plain: a header, a line per target, what was left out with its reason
args="bpf_fentry_test1 cookie 3 $MOD:tmulti_*"
n=$(dry $args | jq .func_cnt)
nleft=$(dry $args | jq '.skipped | length')
out=$(bpftool prog attach-multi pinned $F fentry $args dry-run) || fail "plain: $out"
echo "$out"
echo "$out" | head -n1 | grep -q "trace_fentry_multi, $n targets, $nleft left out; nothing attached (dry-run)$" ||
	fail "plain: header, not $n targets and $nleft left out"
[ "$(echo "$out" | grep -cE "^	[0-9]+ +[0-9]+ +[0-9]+ +0 +[a-z]")" = "$n" ] ||
	fail "plain: not $n target lines"
echo "$out" | grep -Eq "^	[0-9]+ +3 +$vmlinux_obj +0 +bpf_fentry_test1$" ||
	fail "plain: bpf_fentry_test1"
echo "$out" | grep -Eq "^	[0-9]+ +0 +$module_obj +0 +tmulti_test_int \[$MOD\]$" ||
	fail "plain: tmulti_test_int"
echo "$out" | grep -q "^	tmulti_bad_notrace \[$MOD\]: not in available_filter_functions" ||
	fail "plain: tmulti_bad_notrace"

# Bad input is still found
out=$(dry bpf_fentry_test1 extra 2>&1)
echo "$out" | grep -q "function 'extra' not found" || fail "unknown function: $out"
out=$(bpftool -j prog attach-multi pinned $F fentry bpf_fentry_test1 dry-run $L 2>&1)
echo "$out" | grep -q "unexpected '$L' after dry-run" || fail "after dry-run: $out"

# What only the kernel can refuse (its deny list: migrate_disable, migrate_enable) is a
# target for dry-run, and the summary's skipped lists it with the kernel's reason
out=$(dry bpf_fentry_test1 'migrate_*')
echo "$out" | jq -e '.funcs | any(.func == "migrate_disable")' >/dev/null ||
	fail "dry-run: migrate_disable not a target: $out"
# (mainline's ABI has no errs[]: the kernel's refusal fails the link, with nothing left)
if bpftool btf dump file /sys/kernel/btf/vmlinux | grep -q "'BPF_MODIFY_RETURN_MULTI'"; then
	sum=$(bpftool -j prog attach-multi pinned $F fentry bpf_fentry_test1 'migrate_*' \
		pinned $L) || fail "migrate_*: $sum"
	rm -f $L
	echo "summary's skipped: $(echo "$sum" | jq -c .skipped)"
	echo "$sum" | jq -e '.skipped | any(.func == "migrate_disable" and .module == null and
		(.reason | startswith("refused by the kernel")))' >/dev/null ||
		fail "summary: migrate_disable not in skipped: $sum"
	echo "$sum" | jq -e '(.links[0].funcs | all(.func != "migrate_disable")) and
		.links[0].func_cnt + (.skipped | length) == '"$(echo "$out" |
		jq '.func_cnt + (.skipped | length)')" >/dev/null ||
		fail "summary: targets and skipped don't add up to dry-run's: $sum"
elif sum=$(bpftool -j prog attach-multi pinned $F fentry bpf_fentry_test1 'migrate_*' \
	pinned $L 2>&1); then
	fail "mainline's ABI: migrate_* linked: $sum"
else
	echo "mainline's ABI: $sum"
fi
i=0
while [ "$(bpftool -j link show | jq length)" != "$links_before" ] && [ $i -lt 20 ]; do
	sleep 0.1; i=$((i + 1))
done

# Nothing attached, pinned or held
check_nothing_left $F "dry-run"
[ "$(bpftool -j link show | jq length)" = "$links_before" ] ||
	fail "links: $links_before before, $(bpftool -j link show | jq -c '[.[].id]') now"
[ ! -e $L ] || fail "$L pinned"
exit $failed
