#!/bin/sh
# bpftool link create ... hold: prints the summary, keeps the link while it runs (not
# pinned), releases it on SIGINT (and SIGTERM) and exits 0.
. "$(dirname "$0")/attach_multi_lib.sh"
P=/sys/fs/bpf/attach_multi_hold
OUT=/tmp/attach_multi_hold.out
trap 'rm -rf $P $OUT' EXIT
setup_progs $P

# hold_and_signal PROG SIGNAL
hold_and_signal() {
	# The last round's summary must not pass for this one's: the background job
	# truncates $OUT when it starts, which can be after the loop below has read it.
	rm -f $OUT
	bpftool -j link create pinned "$1" fentry bpf_fentry_test1 hold >$OUT &
	pid=$!
	wait_summary $pid $OUT
	cat $OUT
	id=$(jq '.links[0].id' $OUT)
	jq -e '.links[0].pinned == []' $OUT >/dev/null || fail "$2: pinned is not []"
	bpftool -j link show id "$id" | jq -e '.type == "tracing_multi"' >/dev/null ||
		fail "$2: link $id not shown while held"
	grep -q '^bpf_fentry_test1 ' $TRACE || fail "$2: bpf_fentry_test1 not traced while held"
	[ -z "$(find /sys/fs/bpf -name '*link*')" ] || fail "$2: something pinned"
	kill -"$2" $pid
	wait $pid
	rc=$?
	[ $rc = 0 ] || fail "$2: exit $rc"
	i=0
	while [ -n "$(cat $TRACE)" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
	check_nothing_left "$1" "after SIG$2"
}

hold_and_signal $P/am_fentry INT
# The same program again: its link is gone, it makes another
hold_and_signal $P/am_fentry TERM
exit $failed
