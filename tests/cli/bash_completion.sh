#!/bin/sh
# bpftool's bash completion in bash with bash-completion loaded (complete.bash plays
# readline's part): "link show id <TAB>" offers the ids of all links, tracing_multi
# links included; "prog attach-multi" and "link create" complete end to end (programs,
# attach types, kernel and module functions, a program's functions, keywords, files),
# and a function name prefix completes in under 300 ms once the shell has its list.
# Every check runs; the test fails if any of them did.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
P=/sys/fs/bpf/bash_completion
AFF=/sys/kernel/tracing/available_filter_functions
MOD=tmulti_testmod
trap 'rm -rf $P /tmp/bash_completion.*' EXIT
trap 'exit 1' INT TERM

[ -x /usr/bin/bash ] || { echo "FAIL: no bash in the VM"; exit 1; }
mkdir -p $P
req=$(tmulti_pin $P) || { echo "FAIL: tmulti_pin could not create the links"; exit 1; }

# The cases go to $CASES ("all|LINE|WANT|" or "some|LINE|WANTED|UNWANTED"), and
# check_cases completes all their lines in one bash, as TABs in one session.
CASES=/tmp/bash_completion.cases
: >$CASES
# Expect completions "$2" (sorted, space-separated) for line "$1".
expect() { printf '%s|%s|%s|\n' all "$1" "$2" >>$CASES; }
# Expect completions of "$1" to include every word of "$2", and none of "$3".
expect_some() { printf '%s|%s|%s|%s\n' some "$1" "$2" "${3:-}" >>$CASES; }
check_cases() {
	set --
	while IFS='|' read -r kind line want unwanted; do set -- "$@" "$line"; done <$CASES
	"$(dirname "$0")/complete.bash" "$@" >$CASES.out 2>$CASES.err || fail "complete.bash: $(cat $CASES.err)"
	[ "$(wc -l <$CASES.out)" = $# ] || fail "complete.bash printed $(wc -l <$CASES.out) lines for $# cases"
	while IFS='|' read -r kind line want unwanted <&3 && IFS= read -r got <&4; do
		if [ "$kind" = all ]; then
			[ "$got" = "$want" ] || fail "'$line<TAB>': got '$got', want '$want'"
			continue
		fi
		for w in $want; do
			case " $got" in *" $w "*) ;; *) fail "'$line<TAB>': no '$w' in '$(echo "$got" | cut -c1-200)...'" ;; esac
		done
		for w in $unwanted; do
			case " $got" in *" $w "*) fail "'$line<TAB>': '$w' offered" ;; esac
		done
	done 3<$CASES 4<$CASES.out
	rm -f $CASES $CASES.out $CASES.err
}
# Completions of "$1" alone (a fresh shell), sorted, on one line.
complete() { "$(dirname "$0")/complete.bash" "$1" 2>/dev/null | sort | tr '\n' ' '; }
# Sorted words on one line.
words() { sort -u | tr '\n' ' '; }

ids=$(bpftool -j link show | jq -r '.[].id' | sort | tr '\n' ' ')
multi=$(bpftool -j link show | jq -r '[.[] | select(.type == "tracing_multi") | .id] | length')
[ "$multi" = "$(echo "$req" | jq length)" ] ||
	fail "tmulti_pin made $(echo "$req" | jq length) tracing_multi links, link show lists $multi"
expect "bpftool link show id " "$ids"
expect "bpftool link list id " "$ids"
expect "bpftool link detach id " "$ids"
first=$(echo "$ids" | cut -d' ' -f1)
expect "bpftool link show id $first" "$(echo "$ids" | tr ' ' '\n' | grep "^$first" | tr '\n' ' ')"
expect "bpftool link show " "id pinned "
expect "bpftool link " "create detach help list pin show "
expect "bpftool feature list_builtins " "attach_types helpers link_types map_types prog_types "

# prog attach-multi / link create: PROG MULTI_TYPE TARGET... { pinned FILE | hold | dry-run }
prog=$(echo "$req" | jq '.[0].prog_id')
prog_ids=$(bpftool -j prog show | jq -r '.[].id' | words)
prog_names=$(bpftool -j prog show | jq -r '.[].name // empty' | words)
expect_some "bpftool prog " "attach-multi attach load"
expect "bpftool prog attach-multi " "id name pinned tag "
expect "bpftool link create " "id name pinned tag "
expect "bpftool prog attach-multi id " "$prog_ids"
expect "bpftool link create name " "$prog_names"
expect "bpftool link create pinned $P/fe" "$P/fentry "
expect "bpftool prog attach-multi id $prog " "fentry fexit fmod_ret freplace modify_return_multi trace_fentry_multi trace_fexit_multi "
expect "bpftool -j link create id $prog fe" "fentry fexit "
L="bpftool prog attach-multi id $prog fentry"

# Function names: what available_filter_functions lists, without compiler clones and
# without names listed twice for vmlinux or one module (ambiguous).
# (A copy: awk reads in small chunks, each read of the tracefs file is slow.)
awk '!index($1, ".") { n[$0]++ } END { for (l in n) if (n[l] == 1) print l }' $AFF \
	>/tmp/bash_completion.funcs
# A name several vmlinux functions share, if there is one: libbpf refuses it.
dup=$(awk 'NF == 1 && !index($1, ".") && n[$1]++ == 1 { print $1; exit }' $AFF)
AFF=/tmp/bash_completion.funcs
func_list() { awk -v p="$1" 'substr($1, 1, length(p)) == p { print $1 }' $AFF; }
funcs_with_prefix() { func_list "$1" | words; }
want=$(funcs_with_prefix vfs_rea)
case $want in *"vfs_read "*) ;; *) fail "no vfs_read in $AFF: '$want'" ;; esac
expect "$L vfs_rea" "$want"
[ -z "$dup" ] || expect "$L $dup" "$(funcs_with_prefix "$dup")"
expect "bpftool link create id $prog fexit vfs_rea" "$want"
# A module's functions by name, and "module:" for its name; then its functions only.
mod_funcs=$(awk -v m="[$MOD]" '$2 == m { print $1 }' $AFF | words)
[ -n "$mod_funcs" ] || fail "no $MOD functions in $AFF"
expect "$L $MOD:" "$mod_funcs"
expect "$L $MOD:tmulti_test_i" "$(echo "$mod_funcs" | tr ' ' '\n' | grep '^tmulti_test_i' | words)"
expect_some "$L ${MOD%mod}" "$MOD: $(echo "$mod_funcs" | tr ' ' '\n' | grep "^${MOD%mod}")"
# No space after "module:" when it is the only candidate (and only then).
got=$(complete "$L $MOD")
opts=$("$(dirname "$0")/complete.bash" "$L $MOD" 2>&1 >/dev/null)
if [ "$got" = "$MOD: " ]; then want="compopt -o nospace"; else want=""; fi
[ "$opts" = "$want" ] || fail "'$L $MOD<TAB>' offers '$got' with options '$opts', want '$want'"

# Keywords: cookie after a function without one, pinned/hold/dry-run once there is a
# target.
# (An empty word gets all 20,000 functions: once; prefixes below.)
expect_some "$L vfs_read " "vfs_write tmulti_test_int $MOD: prog file cookie pinned hold dry-run" "$MOD:tmulti_test_int"
expect "$L vfs_read co" "$( (func_list co; echo cookie) | words)"
expect "$L vfs_read ho" "$( (func_list ho; echo hold) | words)"
expect "$L vfs_read pi" "$( (func_list pi; echo pinned) | words)"
expect "$L vfs_read dr" "$( (func_list dr; echo dry-run) | words)"
expect "$L co" "$(funcs_with_prefix co)"
expect "$L ho" "$(funcs_with_prefix ho)"
expect "$L pi" "$(funcs_with_prefix pi)"
expect "$L vfs_read cookie " ""
expect "$L vfs_read cookie 7 co" "$(funcs_with_prefix co)"
expect "$L vfs_read cookie 7 ho" "$( (func_list ho; echo hold) | words)"
expect "$L vfs_read hold " ""
expect "$L vfs_read dry-run " ""
expect "$L vfs_read pinned $P/x " ""
expect "$L vfs_read pinned $P/fe" "$P/fentry "
expect "$L vfs_read file /tests/sui" "/tests/suite "
expect "$L file /tests/suite co" "$(funcs_with_prefix co)"
expect "$L file /tests/suite ho" "$( (func_list ho; echo hold) | words)"
# prog PROG FUNC: the functions in that program's BTF.
tgt=$(echo "$req" | jq '[.[].targets[].target_prog_id | select(. != 0)][0]')
# no BPF program target (mainline 7.2's links): complete the functions of the program itself
[ "$tgt" != null ] || tgt=$prog
tgt_funcs=$(bpftool -j btf dump prog id "$tgt" | jq -r '.types[] | select(.kind == "FUNC") | .name' | words)
[ -n "$tgt_funcs" ] || fail "no FUNC in the BTF of program $tgt"
expect "$L vfs_read prog " "id name pinned tag "
expect "$L vfs_read prog id " "$prog_ids"
expect "$L vfs_read prog id $tgt " "$tgt_funcs"
expect "$L vfs_read prog id $tgt x co" "$( (func_list co; echo cookie) | words)"
# freplace: only "prog PROG FUNC" targets, no cookie
R="bpftool link create id $prog freplace"
expect "$R " "file prog "
expect "$R prog id $tgt " "$tgt_funcs"
expect "$R prog id $tgt x " "dry-run file hold pinned prog "
expect "$R file /tests/suite " "dry-run file hold pinned prog "

check_cases

# Fast: a function name prefix, once the shell has read the list of functions.
times=$(COMPLETE_TIME=1 "$(dirname "$0")/complete.bash" "$L vfs_r" 2>&1 >/dev/null)
echo "'$L vfs_r<TAB>': $times"
ms=$(echo "$times" | sed -n 's/.*then \([0-9]*\) ms$/\1/p')
[ -n "$ms" ] && [ "$ms" -lt 300 ] || fail "'$L vfs_r<TAB>' too slow or not timed: '$times'"

[ $failed = 0 ] || exit 1
echo "link ids offered: $ids; ambiguous name left out: ${dup:-none}"
