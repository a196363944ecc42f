#!/bin/sh
# The main job's demo (tests/guest/demo.sh, "make demo") as a test: it must succeed,
# attach one link to every target it listed, see calls of vfs_read in its table, and
# leave nothing in enabled_functions.
fail() { echo "FAIL: $*"; failed=1; }
failed=0

out=$(/tests/demo.sh 2>&1)
rc=$?
echo "$out" | grep -E '^targets:|^link [0-9]+:|^ *[0-9]+  vfs_read$|functions called$|after release'
[ $rc = 0 ] || fail "demo.sh exited with $rc:
$out"

listed=$(echo "$out" | sed -n 's/^targets: \([0-9]*\) traceable.*/\1/p')
linked=$(echo "$out" | sed -n 's/^link [0-9]*: trace_fentry_multi, \([0-9]*\) targets.*/\1/p')
[ -n "$listed" ] && [ "$listed" -gt 0 ] || fail "no target list: '$listed'"
[ "$linked" = "$listed" ] || fail "$listed targets listed, the link has '$linked'"
reads=$(echo "$out" | awk '$2 == "vfs_read" && $1 ~ /^[0-9]+$/ { print $1 }')
[ -n "$reads" ] && [ "$reads" -gt 0 ] || fail "no calls of vfs_read in the table: '$reads'"
echo "$out" | grep -qx 'enabled_functions after release: 0 lines (.*)' ||
	fail "enabled_functions not empty after release"
[ $failed = 0 ]
