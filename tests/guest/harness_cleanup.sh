#!/bin/sh
# The harness itself: a test that leaves a pin behind fails as "left behind", the pin
# is removed, and the next test starts clean (busybox's find has no -delete).
suite=/tmp/harness_cleanup.suite
printf 'leave_pin\tmkdir /sys/fs/bpf/harness_leftover\nafter_pin\ttrue\n' >$suite
out=$(KMEMLEAK=none sh /tests/run-suite.sh $suite)
echo "$out" | sed 's/^/  /'
echo "$out" | grep -q '^not ok 1 - leave_pin' || { echo "leave_pin not failed"; exit 1; }
echo "$out" | grep -q 'pinned: /sys/fs/bpf/harness_leftover' || { echo "the pin not named"; exit 1; }
echo "$out" | grep -q '^ok 2 - after_pin' || { echo "after_pin failed: the pin stayed"; exit 1; }
[ ! -e /sys/fs/bpf/harness_leftover ] || { echo "the pin is still there"; exit 1; }
