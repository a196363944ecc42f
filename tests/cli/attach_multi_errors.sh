#!/bin/sh
# bpftool prog attach-multi / link create with bad input: each case exits non-zero with
# one "Error:" line naming the culprit and why (and an {"error"} object under -j), and
# leaves nothing behind: no link of the program, no trampoline in enabled_functions, no
# pin. Every case runs; the test fails if any did.
# Three parts, to stay within the suite's per-test timeout under TCG (every attach-multi
# loads kernel BTF): "$1" = "targets" for bad targets and kernel refusals, "input" for
# cookies, target files (every error says FILE:LINE), the order of a name and a pattern
# that covers it, and the type words, "prog" for the program checks, an ambiguous name
# (the BTF dump takes a while), pinning and a program's several multi-links.
. "$(dirname "$0")/attach_multi_lib.sh"
PART=$1
case $PART in targets | input | prog) ;; *) echo "usage: $0 targets|input|prog"; exit 2 ;; esac
P=/sys/fs/bpf/attach_multi_errors
L=/sys/fs/bpf/attach_multi_errors_link
ERR=/tmp/attach_multi_errors.err
T=/tmp/attach_multi_targets
trap 'rm -rf $P $L ${L}2 ${L}3 $ERR $T' EXIT
setup_progs $P
F=$P/am_fentry

# expect_refused WANT CMD...: refused (CMD fails with one Error: line that contains WANT),
# and with -j prints {"error": ...} containing WANT.
expect_refused() {
	refused "$@"
	shift
	out=$(bpftool -j "$@" 2>/dev/null)
	[ $? != 0 ] || fail "-j $*: exit 0"
	echo "$out" | jq -e --arg w "$want" '.error | contains($w)' >/dev/null ||
		fail "-j $*: no error object with '$want': $out"
}

# expect_error WANT CMD...: refused, and nothing of am_fentry left, nor $L.
expect_error() {
	expect_refused "$@"
	shift
	check_nothing_left $F "$*"
	[ ! -e $L ] || fail "$*: $L left"
}

# Links of program $1 (pinned path) now
link_count() { links_of "$1" | jq length; }

# Wait until function $1 is not in enabled_functions (a link released through bpffs is
# freed from a workqueue)
wait_untraced() {
	i=0
	while grep -q "^$1 " $TRACE && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
}

A="prog attach-multi pinned $F fentry"
part_targets() {
	expect_error "function 'no_such_function' not found in kernel BTF" \
		$A bpf_fentry_test1 no_such_function pinned $L
	expect_error "no BTF for module 'no_such_module'" $A no_such_module:f pinned $L
	expect_error "'tmulti_testmod:tmulti_bad_notrace': not in available_filter_functions" \
		$A tmulti_testmod:tmulti_bad_notrace pinned $L
	expect_error "'tmulti_testmod:tmulti_bad_13_args': more than 12 arguments" \
		$A bpf_fentry_test1 tmulti_testmod:tmulti_bad_13_args pinned $L
	expect_error "pattern 'no_such_*' matches no traceable function" \
		$A bpf_fentry_test1 'no_such_*' pinned $L
	expect_error "'bpf_fentry_test1' is listed twice" \
		$A bpf_fentry_test1 vmlinux:bpf_fentry_test1 pinned $L
	expect_error "prog $(prog_id $P/tgt/tc_a): function 'no_such_sub' matches no function" \
		$A prog pinned $P/tgt/tc_a no_such_sub pinned $L
	# The kernel refuses a target by prototype: am_fmod_ret, typed (loaded against
	# bpf_modify_return_test(int a, int *b)), reads arg0 as an int, and
	# tmulti_errno_obj(struct tmulti_test_obj *), error-injectable as fmod_ret needs,
	# has a pointer there: its log line comes with the function's name. (A kernel
	# without fmod_ret multi refuses to load it: setup_fmod_ret checks that.)
	setup_fmod_ret $P || return
	expect_error "can't attach to 'tmulti_testmod:tmulti_errno_obj': " \
		prog attach-multi pinned $P/am_fmod_ret fmod_ret bpf_modify_return_test \
		tmulti_testmod:tmulti_errno_obj pinned $L
	grep -q "arg0" $ERR || fail "prototype mismatch: no kernel log line: $(cat $ERR)"
	# A kernel function the program can't run on: fmod_ret only on error-injectable ones
	expect_error "can't attach to 'bpf_fentry_test2': " \
		prog attach-multi pinned $P/am_fmod_ret fmod_ret bpf_fentry_test2 pinned $L
	# ... and in a target file, at its line
	printf 'bpf_modify_return_test\n# not error-injectable:\nbpf_fentry_test2\n' >$T
	expect_error "$T:3: prog 'am_fmod_ret': can't attach to 'bpf_fentry_test2': " \
		prog attach-multi pinned $P/am_fmod_ret fmod_ret file $T pinned $L
}

# accepted [MULTI_TYPE] TARGET...: am_fentry attaches to them; prints "func cookie" of
# each target of the summary, sorted, and releases the link.
accepted() {
	type=fentry
	case $1 in fentry | trace_fentry_multi) type=$1; shift ;; esac
	out=$(bpftool -j prog attach-multi pinned $F $type "$@" pinned $L) ||
		{ fail "$type $*: refused: $out"; return; }
	echo "$out" | jq -e '.attach_type == "trace_fentry_multi"' >/dev/null ||
		fail "$type $*: $out"
	echo "$out" | jq -r '.links[0].funcs[] | "\(.func) \(.cookie)"' | sort
	rm -f $L
	wait_untraced bpf_fentry_test1
}

part_input() {
	# COOKIE: decimal (a leading 0 is not octal) or 0x hex, 64 bits, nothing else
	got=$(accepted bpf_fentry_test1 cookie 010 bpf_fentry_test2 cookie 0x10 \
		bpf_fentry_test3 cookie 0XfF bpf_fentry_test4 cookie 4294967296)
	want="bpf_fentry_test1 10
bpf_fentry_test2 16
bpf_fentry_test3 255
bpf_fentry_test4 4294967296"
	[ "$got" = "$want" ] || fail "cookies: got '$got', want '$want'"
	# (a "-1" here is an option for bpftool's getopt: see the file case below)
	for c in x1 +1 " 1" "1 " 0x 0x-1 1x 0x0x1 18446744073709551616 0x10000000000000000; do
		expect_refused "invalid COOKIE '$c'" $A bpf_fentry_test1 cookie "$c" pinned $L
	done
	expect_refused "cookie: missing COOKIE" $A bpf_fentry_test1 cookie

	# A name and a pattern that covers it: the name's cookie, in either order
	a=$(accepted 'bpf_fentry_test?' cookie 3 bpf_fentry_test1 cookie 5)
	b=$(accepted bpf_fentry_test1 cookie 5 'bpf_fentry_test?' cookie 3)
	[ "$a" = "$b" ] || fail "pattern then name: '$a', name then pattern: '$b'"
	echo "$a" | grep -qx "bpf_fentry_test1 5" && [ "$(echo "$a" | wc -l)" = 9 ] ||
		fail "pattern and name: '$a'"
	expect_refused "'bpf_fentry_test1' is listed twice" \
		$A 'bpf_fentry_test?' bpf_fentry_test1 bpf_fentry_test1 pinned $L

	# libbpf's names of the attach types
	[ "$(accepted trace_fentry_multi bpf_fentry_test1)" = "bpf_fentry_test1 0" ] ||
		fail "MULTI_TYPE trace_fentry_multi"

	# Target files: '#' starts a comment anywhere; every error has FILE:LINE
	printf 'bpf_fentry_test1 cookie 7 # the first\n  # a comment\n\nbpf_fentry_test2#x\n' >$T
	got=$(accepted file $T)
	[ "$got" = "bpf_fentry_test1 7
bpf_fentry_test2 0" ] || fail "comments: got '$got'"
	printf 'bpf_fentry_test1\nfile /etc/passwd\n' >$T
	expect_refused "$T:2: no 'file' in a target file" $A file $T pinned $L
	printf '# comment\n\nbpf_fentry_test1 cookie 1 bpf_fentry_test2\n' >$T
	expect_refused "$T:3: one TARGET a line, unexpected 'bpf_fentry_test2'" $A file $T pinned $L
	printf 'bpf_fentry_test1\nbpf_fentry_test2 cookie\n' >$T
	expect_refused "$T:2: cookie: missing COOKIE" $A file $T pinned $L
	printf 'bpf_fentry_test1\nbpf_fentry_test2 cookie 08x\n' >$T
	expect_refused "$T:2: invalid COOKIE '08x'" $A file $T pinned $L
	printf 'bpf_fentry_test1 cookie -1\n' >$T
	expect_refused "$T:1: invalid COOKIE '-1'" $A file $T pinned $L
	printf 'bpf_fentry_test1\n\nno_such_function\n' >$T
	expect_refused "$T:3: prog 'am_fentry': function 'no_such_function' not found in kernel BTF" \
		$A file $T pinned $L
	printf 'bpf_fentry_test1\nprog id 0 f\n' >$T
	expect_refused "$T:2: " $A file $T pinned $L
	printf 'bpf_fentry_test1\0junk cookie 9\n' >$T
	expect_refused "$T:1: NUL byte in the line" $A file $T pinned $L
	expect_refused "can't open target file '/no/such/file'" $A file /no/such/file pinned $L
	# a file name JSON must escape: the error object stays valid JSON
	Q='/tmp/attach_multi_"q\\uote'
	printf 'no_such_function\n' >"$Q"
	expect_refused "$Q:1: prog 'am_fentry': function 'no_such_function' not found" \
		$A file "$Q" pinned $L
	rm -f "$Q"
	# the position is the file's only: errors after it have none
	printf 'bpf_fentry_test1\n' >$T
	bpftool $A file $T no_such_function pinned $L 2>&1 |
		grep -q "^Error: prog 'am_fentry': function 'no_such_function' not found" ||
		fail "an error after the file has a position"
	check_nothing_left $F "bad input"
	[ ! -e $L ] || fail "bad input: $L left"
}

part_prog() {
	# The program
	expect_error "program 'am_fentry' was loaded as trace_fentry_multi, MULTI_TYPE fexit needs trace_fexit_multi: use 'fentry'" \
		prog attach-multi pinned $F fexit bpf_fentry_test1 pinned $L
	expect_error "program 'am_single' was not loaded with a tracing multi attach type" \
		prog attach-multi pinned $P/am_single fentry bpf_fentry_test1 pinned $L
	expect_error "program 'am_kprobe' is of type kprobe, not tracing" \
		link create pinned $P/am_kprobe fentry bpf_fentry_test1 pinned $L
	expect_error "invalid MULTI_TYPE 'fentry_multi'" \
		link create pinned $F fentry_multi bpf_fentry_test1 pinned $L
	expect_error "program 'am_ext' is of type ext, not tracing" \
		link create pinned $P/tgt/ext fentry bpf_fentry_test1 pinned $L
	expect_error "program 'am_fentry' is of type tracing, not ext" \
		link create pinned $F freplace prog pinned $P/tgt/tc_b am_subprog pinned $L

	# A name several static functions share: the kernel would attach to the first one.
	bpftool btf dump file /sys/kernel/btf/vmlinux |
		sed -n "s/^\[[0-9]*\] FUNC '\([^']*\)'.*/\1/p" | sort -u >$ERR.btf
	dup=$(grep -v ' \[' /sys/kernel/tracing/available_filter_functions | sort | uniq -d |
		awk 'NR == FNR { btf[$0]; next } $0 in btf' $ERR.btf - | head -n1)
	rm $ERR.btf
	echo "ambiguous: $dup"
	[ -n "$dup" ] || fail "no function name listed twice in available_filter_functions and in BTF"
	expect_error "can't attach to '$dup': ambiguous: several functions of that name" \
		$A bpf_fentry_test1 "$dup" pinned $L

	# Pinning
	expect_error "expected 'pinned FILE', 'hold' or 'dry-run'" $A bpf_fentry_test1
	expect_error "can't pin BPF object: path '$P/am_fexit' already exists" \
		$A bpf_fentry_test1 pinned $P/am_fexit
	expect_error "unexpected 'extra' after pinned FILE" $A bpf_fentry_test1 pinned $L extra

	# A program makes several tracing multi-links on functions it doesn't trace yet,
	# and can trace a function again once its link is gone; not twice at once (EBUSY).
	bpftool prog attach-multi pinned $F fentry bpf_fentry_test1 pinned $L >/dev/null ||
		fail "first attach"
	bpftool prog attach-multi pinned $F fentry bpf_fentry_test2 pinned ${L}2 >/dev/null ||
		fail "second link, another function"
	[ "$(link_count $F)" = 2 ] || fail "two links: $(links_of $F)"
	expect_refused "am_fentry" $A bpf_fentry_test3 bpf_fentry_test1 pinned ${L}3
	grep -qiE "busy|already|-16" $ERR || fail "overlap: not said to be busy: $(cat $ERR)"
	[ ! -e ${L}3 ] || fail "overlap: ${L}3 pinned"
	[ "$(link_count $F)" = 2 ] || fail "overlap: links $(links_of $F)"
	grep -q "^bpf_fentry_test3 " $TRACE && fail "overlap: bpf_fentry_test3 left traced"
	rm -f $L
	wait_untraced bpf_fentry_test1
	bpftool prog attach-multi pinned $F fentry bpf_fentry_test1 pinned $L >/dev/null ||
		fail "attach again after the link is gone"
	# bpf_fentry_test1 and _2 run once each, both with cookie 0
	bpftool prog run pinned $F data_in $PKT >/dev/null || fail "prog run $F"
	[ "$(hits $F 0)" = 2 ] || fail "after re-attach: $(hits $F 0) hits, expected 2"
	rm -f $L ${L}2
	wait_untraced bpf_fentry_test1
	wait_untraced bpf_fentry_test2
	check_nothing_left $F "several links"
}

part_$PART
exit $failed
