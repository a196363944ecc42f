#!/bin/sh
# The README's quick start, as it stands: in a copy of what the host made of its
# "quickstart:" blocks (the program and its object, tests/Makefile), run the commands of
# its "quickstart:run" blocks in order, each as a shell runs it, and complete the
# "$ LINE<TAB>" lines of its "quickstart:complete" blocks with bash (each word the README
# shows on the next line must be offered). Then check what the commands did: the link
# holds vfs_read and vfs_write with the README's cookies and other vfs_* functions with 0,
# as many as its summary said; the counts of all three cookies went up; removing the pins
# released everything.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
README=/tests/README.md
W=/tmp/quickstart
tab=$(printf '\t')
trap 'cd /; rm -rf $W' EXIT

rm -rf $W && cp -r /tests/quickstart $W && cd $W || exit 1
awk -v role='quickstart:(run|complete)' -v tag=1 -f /tests/cli/readme_block.awk $README \
	>$W/steps.txt
grep -q "^quickstart:run$tab" $W/steps.txt || { echo "FAIL: no quickstart:run block in $README"; exit 1; }

# Command i's text, exit status and output in $W/cmd.i, rc.i, out.i (stderr with it).
n=0
tabline=
while IFS="$tab" read -r kind line; do
	case $kind:$line in
	quickstart:run:'' | quickstart:run:'#'*) ;;
	quickstart:run:*)
		n=$((n + 1))
		echo "\$ $line"
		echo "$line" >$W/cmd.$n
		sh -c "$line" </dev/null >$W/out.$n 2>&1
		echo $? >$W/rc.$n
		head -n 12 $W/out.$n | cut -c1-160
		[ "$(cat $W/rc.$n)" = 0 ] || fail "'$line' exited with $(cat $W/rc.$n): $(cat $W/out.$n)"
		;;
	quickstart:complete:'$ '*'<TAB>')
		tabline=${line#'$ '}
		tabline=${tabline%'<TAB>'}
		;;
	quickstart:complete:*)
		[ -n "$tabline" ] || { fail "completion block: '$line' follows no '\$ LINE<TAB>'"; continue; }
		got=" $(/tests/cli/complete.bash "$tabline" </dev/null 2>/dev/null | tr '\n' ' ')"
		echo "\$ $tabline<TAB> offers $(echo "$got" | wc -w) words"
		for w in $line; do
			case $got in *" $w "*) ;; *) fail "'$tabline<TAB>' does not offer '$w'" ;; esac
		done
		tabline=
		;;
	esac
done <$W/steps.txt
[ -z "$tabline" ] || fail "completion block: '$tabline<TAB>' has no line of words after it"

# $out: the output of the one command whose text matches "$1" (an ERE), or nothing.
output_of() {
	out='' found='' i=1
	while [ $i -le $n ]; do
		if grep -Eq -- "$1" $W/cmd.$i; then
			[ -z "$found" ] || fail "several commands of the README match '$1'"
			found=$i
		fi
		i=$((i + 1))
	done
	[ -n "$found" ] || { fail "no command of the README matches '$1'"; return; }
	out=$(cat $W/out.$found)
}

output_of 'bpftool .*link create '
targets=$(echo "$out" | sed -n 's/^link [0-9]*: trace_fentry_multi, \([0-9]*\) targets[ ,].* pinned .*/\1/p')
[ -n "$targets" ] && [ "$targets" -gt 2 ] || fail "link create summary: '$out'"

output_of 'bpftool .*link show .*-j|bpftool .*-j.* link show '
link=$out
echo "$link" | jq -e 'type == "object"' >/dev/null || fail "link show -j printed no JSON object: '$link'"
cnt=$(echo "$link" | jq '.func_cnt')
[ "$cnt" = "$targets" ] || fail "link show -j: func_cnt '$cnt', the summary said '$targets' targets"
[ "$(echo "$link" | jq '.funcs | length')" = "$cnt" ] || fail "link show -j: funcs[] is not func_cnt long"
cookie_of() { echo "$link" | jq -r --arg f "$1" '[.funcs[] | select(.func == $f) | .cookie] | join(",")'; }
[ "$(cookie_of vfs_read)" = 1 ] || fail "link show -j: vfs_read has cookie '$(cookie_of vfs_read)', want 1"
[ "$(cookie_of vfs_write)" = 2 ] || fail "link show -j: vfs_write has cookie '$(cookie_of vfs_write)', want 2"
others=$(echo "$link" | jq '[.funcs[] | select((.func | startswith("vfs_")) and .cookie == 0)] | length')
[ "$others" = $((cnt - 2)) ] || fail "link show -j: $others functions vfs_* with cookie 0 of $cnt"

# bpftool prints a map with BTF as JSON, in plain mode too.
output_of 'bpftool .*map dump '
for c in 0 1 2; do
	v=$(echo "$out" | jq ".[] | select(.key == $c) | .value")
	[ -n "$v" ] && [ "$v" -gt 0 ] || fail "map dump: cookie $c counted '$v' calls: $out"
done

# Released: no link, program or pin of the quick start left; the trampolines gone.
prog=$(echo "$link" | jq '.prog_id')
held() { grep -q . /sys/kernel/tracing/enabled_functions || bpftool prog show id "$prog" >/dev/null 2>&1; }
i=0
while [ $i -lt 20 ] && held; do sleep 0.2; i=$((i + 1)); done
[ "$(bpftool -j link show | jq length)" = 0 ] || fail "links left: $(bpftool link show)"
! bpftool prog show id "$prog" >/dev/null 2>&1 || fail "program $prog left: $(bpftool prog show id "$prog")"
[ -z "$(find /sys/fs/bpf -mindepth 1)" ] || fail "pins left: $(find /sys/fs/bpf -mindepth 1)"
! grep -q . /sys/kernel/tracing/enabled_functions || fail "enabled_functions not empty after the release"
echo "quick start: $n commands, a link on $cnt functions, cookies 0/1/2 counted"
[ $failed = 0 ]
