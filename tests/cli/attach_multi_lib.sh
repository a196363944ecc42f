# Shared by the attach-multi CLI tests (sourced): the programs under test, checks that
# nothing is left behind, counters of the attach_multi*.bpf.c programs, what the kernel
# has.
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

# Does the kernel have $1 (tmulti_kernel: ext, link_info)?
has() { tmulti_kernel "$1"; }

# fmod_ret multi (attach_multi_fmod_ret.bpf.o), pinned in $1: loaded where the kernel has
# the series' extensions; elsewhere (mainline 7.2) the load must be refused with EINVAL,
# nothing pinned, and it returns 1.
setup_fmod_ret() {
	if has ext; then
		bpftool prog loadall /tests/attach_multi_fmod_ret.bpf.o "$1" ||
			{ echo "FAIL: loading attach_multi_fmod_ret.bpf.o"; exit 1; }
		return 0
	fi
	err=$(bpftool prog loadall /tests/attach_multi_fmod_ret.bpf.o "$1" 2>&1)
	rc=$?
	echo "fmod_ret multi: bpftool prog loadall: exit $rc"
	[ $rc != 0 ] || fail "fmod_ret multi loaded on a kernel without the series"
	echo "$err" | grep -q "prog 'am_fmod_ret': failed to load: -22" ||
		fail "fmod_ret multi: not refused with EINVAL: $err"
	[ ! -e "$1/am_fmod_ret" ] || fail "fmod_ret multi: $1/am_fmod_ret pinned"
	return 1
}

# refused WANT CMD...: bpftool CMD fails with one Error: line (stderr, kept in $ERR) that
# contains WANT, and prints nothing on stdout.
refused() {
	want=$1
	shift
	out=$(bpftool "$@" 2>$ERR)
	rc=$?
	echo "bpftool $*: exit $rc: $(cat $ERR)"
	[ $rc != 0 ] || fail "$*: exit 0"
	[ "$(grep -c '^Error: ' $ERR)" = 1 ] || fail "$*: not one Error: line: $(cat $ERR)"
	grep '^Error: ' $ERR | grep -qF "$want" || fail "$*: Error: line without '$want'"
	[ -z "$out" ] || fail "$*: output on stdout: $out"
}

# Until bpftool ... hold (pid $1) has written its JSON summary to $2, or died. Resolving
# names reads vmlinux BTF and available_filter_functions: over 10 s on the debug kernel
# under host load. (jq -e succeeds on an empty file.)
wait_summary() {
	i=0
	while ! { [ -s "$2" ] && jq -e .links "$2" >/dev/null 2>&1; } &&
		kill -0 "$1" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
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

# hits[$2] (or bad_cookie if $2 is "bad") of the attach_multi*.bpf.c program $1
hits() {
	map=$(bpftool -j prog show pinned "$1" | jq '.map_ids[0]')
	bpftool -j map dump id "$map" |
		jq --arg s "$2" '.[0].formatted.value[".bss"] | add |
			if $s == "bad" then .bad_cookie else .hits[$s | tonumber] end'
}

# Global variable $2 of the attach_multi*.bpf.c program $1
bss_var() {
	map=$(bpftool -j prog show pinned "$1" | jq '.map_ids[0]')
	bpftool -j map dump id "$map" |
		jq --arg v "$2" '.[0].formatted.value[".bss"] | add | .[$v]'
}

# What "bpftool prog run" of tc program $1 returns: am_subprog(len) = len + 1, len + 100
# while replaced
tc_ret() { bpftool -j prog run pinned "$1" data_in $PKT | jq .retval; }
