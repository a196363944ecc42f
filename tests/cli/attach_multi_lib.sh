# Shared by the attach-multi CLI tests (sourced): the programs under test, checks that
# nothing is left behind, counters of the attach_multi.bpf.c programs.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
TRACE=/sys/kernel/tracing/enabled_functions
PKT=/tmp/attach_multi.pkt

# Load the test programs, pinned in $1 (tracing: loadall) and $1/tgt (BPF program
# targets: tc_a, tc_b, and the freplace program ext against tc_a).
setup_progs() {
	insmod /tests/tmulti_testmod.ko 2>/dev/null
	grep -q '^tmulti_testmod ' /proc/modules || { echo "FAIL: no tmulti_testmod"; exit 1; }
	mkdir -p "$1/tgt" &&
	bpftool prog loadall /tests/attach_multi.bpf.o "$1" &&
	attach_multi_tgt "$1/tgt" || { echo "FAIL: loading the test programs"; exit 1; }
	head -c 64 /dev/zero >$PKT
}

prog_id() { bpftool -j prog show pinned "$1" | jq .id; }

# Links of program $1 (pinned path) that exist now
links_of() {
	bpftool -j link show | jq -c --argjson p "$(prog_id "$1")" '[.[] | select(.prog_id == $p)]'
}

# Nothing of program $1 attached: no link, no trampoline
check_nothing_left() {
	[ "$(links_of "$1")" = "[]" ] || fail "$2: links left: $(links_of "$1")"
	[ -z "$(cat $TRACE)" ] || fail "$2: enabled_functions: $(cat $TRACE)"
}

# hits[$2] (or bad_cookie if $2 is "bad") of the attach_multi.bpf.c program $1
hits() {
	map=$(bpftool -j prog show pinned "$1" | jq '.map_ids[0]')
	bpftool -j map dump id "$map" |
		jq --arg s "$2" '.[0].formatted.value[".bss"] | add |
			if $s == "bad" then .bad_cookie else .hits[$s | tonumber] end'
}

# Global variable $2 of the attach_multi.bpf.c program $1
bss_var() {
	map=$(bpftool -j prog show pinned "$1" | jq '.map_ids[0]')
	bpftool -j map dump id "$map" |
		jq --arg v "$2" '.[0].formatted.value[".bss"] | add | .[$v]'
}

# What "bpftool prog run" of tc program $1 returns: am_subprog(len) = len + 1, len + 100
# while replaced
tc_ret() { bpftool -j prog run pinned "$1" data_in $PKT | jq .retval; }
