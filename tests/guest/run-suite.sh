#!/bin/sh
# Run every test listed in the suite file ("name command..." per line) and print TAP.
# A test passes with exit 0, is skipped with 77, fails otherwise; it also fails if it
# leaves anything behind: ftrace entries (trampolines, kprobes), links or bpffs pins.
SUITE=$1
TEST_TIMEOUT=${test_timeout:-120}	# test_timeout= on the kernel command line

# Links released through bpffs (unpin) are freed from a workqueue: give them a moment.
leftovers() {
	i=0
	while [ $i -lt 20 ] && [ -n "$(list_leftovers)" ]; do sleep 0.1; i=$((i + 1)); done
	list_leftovers
}

list_leftovers() {
	grep -v '^$' /sys/kernel/tracing/enabled_functions | sed 's/^/enabled_functions: /'
	find /sys/fs/bpf -mindepth 1 | sed 's/^/pinned: /'
	bpftool -j link list | jq -r '.[] | "link: \(.id) \(.type) prog \(.prog_id)"'
}

# Unpin what a test left (busybox's find has no -delete); whatever stays is said loudly,
# as every later test would otherwise fail for it.
cleanup() {
	find /sys/fs/bpf -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>&1
	find /sys/fs/bpf -mindepth 1 | sed 's/^/cleanup failed, still pinned: /'
}

tests=$(grep -Ev '^[[:space:]]*(#|$)' "$SUITE")
count=$(echo "$tests" | grep -c .)
kmemleak=${KMEMLEAK:-/sys/kernel/debug/kmemleak}	# KMEMLEAK=none: no scan (a nested run)
echo "TAP version 13"
echo "1..$((count + $([ -e $kmemleak ] && echo 1 || echo 0)))"
n=0
echo "$tests" | while read -r name cmd; do
	n=$((n + 1))
	start=$(date +%s)
	out=$(cd /tests && timeout "$TEST_TIMEOUT" sh -c "$cmd" 2>&1)
	rc=$?
	left=$(leftovers)
	if [ -n "$left" ]; then
		failed=$(cleanup)
		[ -z "$failed" ] || left="$left
$failed"
	fi
	secs=$(($(date +%s) - start))
	if [ $rc = 0 ] && [ -z "$left" ]; then
		echo "ok $n - $name (${secs}s)"
	elif [ $rc = 77 ] && [ -z "$left" ]; then
		echo "ok $n - $name # SKIP $(echo "$out" | tail -n1)"
	else
		echo "not ok $n - $name (exit $rc, ${secs}s)"
		[ -n "$left" ] && out="$out
left behind:
$left"
	fi
	[ -n "$out" ] && echo "$out" | sed 's/^/#   /'
done

# Debug kernels: leaks are only found by a scan; objects younger than 5 s are not reported.
if [ -e $kmemleak ]; then
	sleep 6
	echo scan >$kmemleak
	echo scan >$kmemleak
	leaks=$(cat $kmemleak)
	if [ -z "$leaks" ]; then echo "ok $((count + 1)) - kmemleak: no leaks"
	else echo "not ok $((count + 1)) - kmemleak: leaks found"; echo "$leaks" | sed 's/^/#   /'; fi
fi
