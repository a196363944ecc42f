#!/bin/sh
# bpftool link show for a kprobe_multi link on module functions, the two bpftool fixes:
# - funcs[] (JSON) and the plain table name the functions, although the kernel reports
#   their ftrace addresses (func+4 after endbr64 with X86_KERNEL_IBT, not exact kallsyms
#   matches: unpatched bpftool 7.5 prints "funcs":[] and an empty table);
# - "link show pinned FILE" / "link show id ID" exit 0 after printing the link (unpatched:
#   255), and "link show id" with an unused ID still fails with an error.
# Every check runs; the test fails if any of them did.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
P=/sys/fs/bpf/bpftool_fixes
PIN=$P/kmulti/count_hits
MOD=tmulti_testmod
trap 'rm -rf $P' EXIT

insmod /tests/$MOD.ko 2>/dev/null || grep -q "^$MOD " /proc/modules ||
	{ echo "FAIL: cannot load $MOD"; exit 1; }
mkdir -p $P
bpftool prog loadall /tests/kprobe_multi_glob.bpf.o $P/kmulti autoattach ||
	{ echo "FAIL: cannot load and attach kprobe_multi_glob.bpf.o"; exit 1; }
[ -e $PIN ] || { echo "FAIL: no link pinned at $PIN"; exit 1; }

# The functions the glob tmulti_test_* attaches to, as a sorted JSON array of names.
want=$(sed -n "s/^\(tmulti_test_[^ ]*\) \[$MOD\]\$/\1/p" \
	/sys/kernel/tracing/available_filter_functions | sort -u | jq -R . | jq -cs 'sort')
[ "$(echo "$want" | jq length)" = 4 ] || fail "expected 4 tmulti_test_* functions, found $want"

# 1. JSON: funcs[] of the (only) kprobe_multi link.
all=$(bpftool -j link show) || fail "link show -j exited $?"
echo "$all" | jq -e 'type == "array"' >/dev/null 2>&1 || fail "link show -j is not a JSON array: $all"
km=$(echo "$all" | jq -c '[.[] | select(.type == "kprobe_multi")]')
[ "$(echo "$km" | jq length)" = 1 ] || fail "expected 1 kprobe_multi link, got: $km"
km=$(echo "$km" | jq -c '.[0]')
echo "$km" | jq -e --argjson want "$want" --arg mod $MOD '
	.func_cnt == ($want | length) and (.funcs | length) == .func_cnt and
	([.funcs[].func] | sort) == $want and
	all(.funcs[]; .module == $mod and (.addr | type) == "number" and .addr > 0 and
		(.cookie | type) == "number")' >/dev/null ||
	fail "JSON funcs[] does not list $want in $MOD: $km"

# 2. Plain: one "addr cookie func [module]" line per function.
plain=$(bpftool link show) || fail "link show exited $?"
missing=
for f in $(echo "$want" | jq -r '.[]'); do
	echo "$plain" | grep -Eq "^[[:space:]]+[0-9a-f]{16} +[0-9a-f]+ +$f \[$MOD\]" ||
		missing="$missing $f"
done
[ -z "$missing" ] || fail "plain link show has no line for$missing:
$plain"

# 3. A single link, by pin and by id: printed, exit status 0.
one=$(bpftool link show pinned $PIN)
rc=$?
[ $rc = 0 ] || fail "link show pinned $PIN exited $rc"
echo "$one" | grep -q "kprobe_multi" || fail "link show pinned $PIN printed: $one"
one=$(bpftool -j link show pinned $PIN)
rc=$?
[ $rc = 0 ] || fail "link show -j pinned $PIN exited $rc"
id=$(echo "$one" | jq -e '.id') || fail "link show -j pinned $PIN printed: $one"
if [ -n "$id" ]; then
	out=$(bpftool -j link show id "$id")
	rc=$?
	[ $rc = 0 ] || fail "link show -j id $id exited $rc"
	echo "$out" | jq -e --argjson id "$id" '.id == $id and .type == "kprobe_multi" and
		(.funcs | length) == 4' >/dev/null || fail "link show -j id $id printed: $out"
fi

# 4. An unused ID: error message, non-zero exit.
bad=99999
if echo "$all" | jq -e --argjson id $bad 'any(.[]; .id == $id)' >/dev/null; then
	fail "link id $bad exists, pick another unused ID"
else
	out=$(bpftool link show id $bad 2>&1)
	rc=$?
	[ $rc != 0 ] || fail "link show id $bad (no such link) exited 0: $out"
	echo "$out" | grep -q "^Error: " || fail "link show id $bad printed no error: $out"
	out=$(bpftool -j link show id $bad 2>&1)
	rc=$?
	[ $rc != 0 ] || fail "link show -j id $bad (no such link) exited 0: $out"
	echo "$out" | jq -e '.error | type == "string"' >/dev/null 2>&1 ||
		fail "link show -j id $bad printed no JSON error: $out"
fi

[ $failed = 0 ] || exit 1
echo "kprobe_multi link: $(echo "$want" | jq -r 'join(" ")') named; single-link exit status ok"
