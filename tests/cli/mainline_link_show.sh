#!/bin/sh
# bpftool link show for tracing_multi links on mainline 7.2 (make check-mainline), which
# has no bpf_link_info for them: bpftool reads their targets from the link's fdinfo
# (mainline's "obj-id btf-id cookie func" table, sorted by BTF id, without addresses).
# The links come from tmulti_mainline_pin, not from bpftool: a fentry multi link of a
# program loaded for vmlinux on three functions, and a fexit multi link of a program
# loaded for the test module on two of its functions, with cookies. Checked against the
# request and what bpftool btf show says:
# - JSON (-j, -p): mainline bpftool's keys (attach_type, func_cnt, btf_obj_id: the
#   program's attach BTF, funcs with id, addr 0, func, module, cookie) and ours per target
#   (btf_obj_id, prog_id 0), every key always present; the exact u64 cookie;
# - plain: the table header, the attach type line, the exact line of every target;
# - one link by pin and by id: exit 0, the same object;
# - link detach: mainline has none for these links (EOPNOTSUPP): one Error: line, and
#   the link keeps its targets.
# Every check runs; the test fails if any of them did.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
P=/sys/fs/bpf/mainline_link_show
ERRS=/tmp/mainline_link_show.errors
MOD=tmulti_testmod
trap 'rm -rf $P $ERRS' EXIT

mkdir -p $P
req=$(tmulti_mainline_pin $P) || { echo "FAIL: tmulti_mainline_pin: $req"; exit 1; }
echo "$req" | jq -e 'length == 2' >/dev/null || { echo "FAIL: tmulti_mainline_pin printed: $req"; exit 1; }

btfs=$(bpftool -j btf show)
vmlinux_obj=$(echo "$btfs" | jq '.[] | select(.name == "vmlinux") | .id')
module_obj=$(echo "$btfs" | jq --arg m $MOD '.[] | select(.name == $m) | .id')
[ -n "$vmlinux_obj" ] && [ -n "$module_obj" ] ||
	{ echo "FAIL: BTF objects: vmlinux '$vmlinux_obj' $MOD '$module_obj'"; exit 1; }

# The request of link $1, with the BTF object each target must report, in BTF id order
# (mainline sorts a link's targets by id).
want_of() {
	echo "$req" | jq -c --arg pin "$1" --argjson v "$vmlinux_obj" --argjson m "$module_obj" '
		.[] | select(.pin == $pin) | .targets |= (map(
		.btf_obj_id = (if .module then $m else $v end) | .target_prog_id = 0) |
		sort_by(.btf_id))'
}

# JSON: link $2 (by pin) of listing $1 is the request, no addresses (fdinfo has none).
check_json() {
	link=$(echo "$1" | jq -c --arg pin "$2" '.[] | select(.pinned | index($pin))')
	want=$(want_of "$2")
	echo "$link" | jq -e --argjson w "$want" '
		.type == "tracing_multi" and .prog_id == $w.prog_id and
		.attach_type == $w.attach_type and .func_cnt == ($w.targets | length) and
		.btf_obj_id == $w.targets[0].btf_obj_id and
		[.funcs[] | {func, module: .module, btf_id: .id, btf_obj_id,
			     target_prog_id: .prog_id, cookie}] ==
			[$w.targets[] | del(.cookie_hex)] and
		all(.funcs[]; .addr == 0) and
		([.funcs[] | keys] | unique) ==
			[["addr", "btf_obj_id", "cookie", "func", "id", "module", "prog_id"]]' \
		>/dev/null || fail "$2: got ${link:-no link with this pin}, want $want"
}

# Plain: the exact line of each target of link $2 in listing $1, address 0.
check_plain() {
	header=$(printf '\t%-16s %-16s %-16s %-10s %-10s %s' btf_id addr cookie btf_obj_id \
		prog_id "func [module]")
	echo "$1" | grep -qFx "$header" || fail "plain: no table header line: $1"
	want=$(want_of "$2")
	at=$(echo "$want" | jq -r .attach_type)
	n=$(echo "$want" | jq '.targets | length')
	obj=$(echo "$want" | jq .targets[0].btf_obj_id)
	echo "$1" | grep -qFx "	attach_type $at  btf_obj_id $obj  count $n  " ||
		fail "plain: no 'attach_type $at  btf_obj_id $obj  count $n' line: $1"
	echo "$want" | jq -r '.targets[] |
		"\(.func) \(.module // "-") \(.cookie_hex) \(.btf_obj_id) \(.btf_id)"' |
	while read -r func mod cookie obj id; do
		suffix=
		[ "$mod" = - ] || suffix=" [$mod]"
		line=$(printf '\t%-16s %s %-16u %-10s %-10s %s%s' "$id" 0000000000000000 \
			"0x$cookie" "$obj" 0 "$func" "$suffix")
		echo "$1" | grep -qFx "$line" || echo "plain: no line '$line'"
	done >$ERRS
	[ -s $ERRS ] && fail "$(cat $ERRS)
$1"
	rm -f $ERRS
}

for fmt in -j -p; do
	all=$(bpftool $fmt -f link show) || fail "link show $fmt exited $?"
	echo "$all" | jq -e 'type == "array"' >/dev/null 2>&1 || fail "link show $fmt: not JSON: $all"
	check_json "$all" $P/fentry
	check_json "$all" $P/module
done
# jq reads numbers as doubles: the exact u64 cookie, in decimal, from the text.
echo "$all" | grep -q '"cookie": 18446744073709551614' ||
	fail "cookie 0xfffffffffffffffe not printed exactly: $all"
plain=$(bpftool -f link show) || fail "link show exited $?"
check_plain "$plain" $P/fentry
check_plain "$plain" $P/module

# One link by pin and by id: exit 0, the same object.
one=$(bpftool -j -f link show pinned $P/module) || fail "link show pinned exited $?"
check_json "[$one]" $P/module
id=$(echo "$one" | jq .id)
one=$(bpftool -j -f link show id "$id") || fail "link show id $id exited $?"
check_json "[$one]" $P/module
echo "# bpftool link show pinned $P/module"
bpftool link show pinned $P/module

# No detach on 7.2: refused, the link keeps its targets.
err=$(bpftool link detach pinned $P/fentry 2>&1)
rc=$?
echo "link detach: exit $rc: $err"
[ $rc != 0 ] || fail "link detach pinned $P/fentry: exit 0"
[ "$(echo "$err" | grep -c '^Error: ')" = 1 ] || fail "link detach: not one Error: line: $err"
check_json "[$(bpftool -j -f link show pinned $P/fentry)]" $P/fentry

[ $failed = 0 ] || exit 1
echo "tracing_multi links from fdinfo: $(echo "$req" | jq '[.[].targets[]] | length') targets checked"
