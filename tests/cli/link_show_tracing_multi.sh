#!/bin/sh
# bpftool link show for tracing_multi links, checked against what was asked of the kernel
# (tmulti_pin prints its request) and what BTF, bpftool btf/prog show and kallsyms say:
# - on any kernel: a fentry multi link of a program loaded for vmlinux on three of its
#   functions, and a fexit multi link of a program loaded for the test module on two of
#   its functions, with cookies; on the series' kernel also a fentry multi link on a
#   vmlinux function, two module functions and a BPF program's subprogram, and a
#   fmod_ret multi link on module functions;
# - JSON (-j, -p): mainline bpftool's keys (attach_type, func_cnt, btf_obj_id: the
#   program's attach BTF, funcs with id, addr, func, module, cookie) and ours per target
#   (btf_obj_id, prog_id), every key always present; targets in the order of creation
#   (mainline sorts them by BTF id); addresses where the kernel has link info for these
#   links, 0 where bpftool reads them from fdinfo (7.2);
# - plain: mainline's "attach_type .. btf_obj_id .. count .." line and columns (btf_id,
#   addr, decimal cookie), ours before the name; the exact line of every target;
# - with kernel pointers hidden (kptr_restrict=2): addresses 0, names still from BTF;
# - a detached link: attach type kept, func_cnt 0, no targets; 7.2 has no detach for
#   these links: one Error: line, and the link keeps its targets.
# Two parts, to stay within the suite's per-test timeout under TCG (every bpftool run
# loads BTF and its PID iterator): "$1" = "shown" checks JSON, plain and single links;
# "fallbacks" the hidden addresses and detach.
# Every check runs; the test fails if any of them did.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
PART=$1
case $PART in shown | fallbacks) ;; *) echo "usage: $0 shown|fallbacks"; exit 2 ;; esac
P=/sys/fs/bpf/link_show_tracing_multi
ERRS=/tmp/link_show_tracing_multi.errors
MOD=tmulti_testmod
KPTR=$(cat /proc/sys/kernel/kptr_restrict)
trap 'echo "$KPTR" >/proc/sys/kernel/kptr_restrict; rm -rf $P $ERRS' EXIT

ext=false
tmulti_kernel ext && ext=true
# Addresses come with link info; fdinfo has none.
ADDR=noaddr
tmulti_kernel link_info && ADDR=addr
links=2
$ext && links=4

mkdir -p $P
req=$(tmulti_pin $P) || { echo "FAIL: tmulti_pin: $req"; exit 1; }
echo "$req" | jq -e --argjson n $links 'length == $n' >/dev/null ||
	{ echo "FAIL: tmulti_pin printed: $req (want $links links)"; exit 1; }
pins=$(echo "$req" | jq -r '.[].pin')
echo "the series' extensions: $ext; addresses: $ADDR"

# BTF object ids, found independently of the links: vmlinux, the module, and the
# target program's BTF (links of the series).
btfs=$(bpftool -j btf show)
vmlinux_obj=$(echo "$btfs" | jq '.[] | select(.name == "vmlinux") | .id')
module_obj=$(echo "$btfs" | jq --arg m $MOD '.[] | select(.name == $m) | .id')
tgt_prog=$(echo "$req" | jq '[.[].targets[].target_prog_id | select(. != 0)][0]')
tgt_prog_obj=0
[ "$tgt_prog" = null ] || tgt_prog_obj=$(bpftool -j prog show id "$tgt_prog" | jq .btf_id)
[ -n "$vmlinux_obj" ] && [ -n "$module_obj" ] && [ -n "$tgt_prog_obj" ] ||
	{ echo "FAIL: BTF objects: vmlinux '$vmlinux_obj' $MOD '$module_obj' prog '$tgt_prog_obj'"; exit 1; }

# The request of link $1 with the BTF object id each target must report, in the order
# the kernel lists them.
want_of() {
	echo "$req" | jq -c --arg pin "$1" --argjson v "$vmlinux_obj" --argjson m "$module_obj" \
		--argjson p "$tgt_prog_obj" --argjson ext $ext '
		.[] | select(.pin == $pin) | .targets |= (map(
		.btf_obj_id = (if .target_prog_id != 0 then $p elif .module then $m else $v end)) |
		if $ext then . else sort_by(.btf_id) end)'
}

# 1. JSON: link $2 (by pin) of listing $1 is the request; $3: "addr" if addresses must
#    be shown, "noaddr" if they must be 0.
check_json() {
	link=$(echo "$1" | jq -c --arg pin "$2" '.[] | select(.pinned | index($pin))')
	want=$(want_of "$2")
	echo "$link" | jq -e --argjson w "$want" '
		.type == "tracing_multi" and .prog_id == $w.prog_id and
		.attach_type == $w.attach_type and .func_cnt == ($w.targets | length) and
		.btf_obj_id == $w.btf_obj_id and
		[.funcs[] | {func, module: .module, btf_id: .id, btf_obj_id, target_prog_id: .prog_id,
			     cookie}] == [$w.targets[] | del(.cookie_hex)] and
		([.funcs[] | keys] | unique) ==
			[["addr", "btf_obj_id", "cookie", "func", "id", "module", "prog_id"]]' \
		>/dev/null || fail "$2 ($3): got ${link:-no link with this pin}, want $want"
	case $3 in
	addr) echo "$link" | jq -e 'all(.funcs[]; .addr > 0)' >/dev/null ||
		fail "$2: an address is 0: $link" ;;
	noaddr) echo "$link" | jq -e 'all(.funcs[]; .addr == 0)' >/dev/null ||
		fail "$2: addresses shown although hidden: $link" ;;
	esac
}

# 2. Plain: the exact line of each target of link $2 in listing $1, with the address
#    from kallsyms ("addr"; BPF program targets: any), or 0 ("noaddr").
check_plain() {
	header=$(printf '\t%-16s %-16s %-16s %-10s %-10s %s' btf_id addr cookie btf_obj_id \
		prog_id "func [module]")
	echo "$1" | grep -qFx "$header" || fail "plain: no table header line: $1"
	want=$(want_of "$2")
	at=$(echo "$want" | jq -r .attach_type)
	n=$(echo "$want" | jq '.targets | length')
	obj=$(echo "$want" | jq .btf_obj_id)
	echo "$1" | grep -qFx "	attach_type $at  btf_obj_id $obj  count $n  " ||
		fail "plain: no 'attach_type $at  btf_obj_id $obj  count $n' line: $1"
	echo "$want" | jq -r '.targets[] |
		"\(.func) \(.module // "-") \(.cookie_hex) \(.btf_obj_id) \(.btf_id) \(.target_prog_id)"' |
	while read -r func mod cookie obj id prog; do
		suffix=
		[ "$mod" = - ] || suffix=" [$mod]"
		addr=0000000000000000
		grep=-qFx
		if [ "$3" = addr ] && [ "$prog" = 0 ]; then
			addr=$(awk -v f="$func" '$3 == f { print $1; exit }' /proc/kallsyms)
		elif [ "$3" = addr ]; then
			# A program's address, not in kallsyms without bpf_jit_kallsyms: any.
			addr='[0-9a-f]\{16\}'
			grep=-qx
		fi
		line=$(printf '\t%-16s %s %-16u %-10s %-10s %s%s' "$id" "$addr" "0x$cookie" \
			"$obj" "$prog" "$func" "$suffix")
		echo "$1" | grep $grep "$line" || echo "plain: no line '$line'"
	done >$ERRS
	[ -s $ERRS ] && fail "$(cat $ERRS)
$1"
	rm -f $ERRS
}

shown() {
	for fmt in -j -p; do
		all=$(bpftool $fmt -f link show) || fail "link show $fmt exited $?"
		echo "$all" | jq -e 'type == "array"' >/dev/null 2>&1 || fail "link show $fmt: not JSON: $all"
		for pin in $pins; do check_json "$all" "$pin" $ADDR; done
	done
	# jq reads numbers as doubles: the exact u64 cookie, in decimal, from the text.
	echo "$all" | grep -q '"cookie": 18446744073709551614' ||
		fail "cookie 0xfffffffffffffffe not printed exactly: $all"
	plain=$(bpftool -f link show) || fail "link show exited $?"
	for pin in $pins; do check_plain "$plain" "$pin" $ADDR; done

	# 3. One link by pin and by id: exit 0, the same object.
	one=$(bpftool -j -f link show pinned $P/module) || fail "link show pinned exited $?"
	check_json "[$one]" $P/module $ADDR
	id=$(echo "$one" | jq .id)
	one=$(bpftool -j -f link show id "$id") || fail "link show id $id exited $?"
	check_json "[$one]" $P/module $ADDR

	# For the man page's example: a link as a user sees it.
	last=$(echo "$pins" | tail -n1)
	echo "# bpftool link show pinned $last"
	bpftool link show pinned "$last"
}

fallbacks() {
	# 4. Kernel pointers hidden: no addresses, the names still come from BTF.
	echo 2 >/proc/sys/kernel/kptr_restrict
	all=$(bpftool -j -f link show)
	check_json "$all" $P/fentry noaddr
	check_plain "$(bpftool -f link show)" $P/fentry noaddr
	echo "$KPTR" >/proc/sys/kernel/kptr_restrict

	# 5. No detach on 7.2: refused, the link keeps its targets.
	if ! $ext; then
		err=$(bpftool link detach pinned $P/fentry 2>&1)
		rc=$?
		echo "link detach: exit $rc: $err"
		[ $rc != 0 ] || fail "link detach pinned $P/fentry: exit 0"
		[ "$(echo "$err" | grep -c '^Error: ')" = 1 ] ||
			fail "link detach: not one Error: line: $err"
		check_json "[$(bpftool -j -f link show pinned $P/fentry)]" $P/fentry $ADDR
		return
	fi
	# Detached: the link stays, with its attach type and no targets.
	bpftool link detach pinned $P/fmod_ret || fail "link detach exited $?"
	one=$(bpftool -j link show pinned $P/fmod_ret)
	echo "$one" | jq -e '.type == "tracing_multi" and .attach_type == "modify_return_multi" and
		.func_cnt == 0 and .funcs == []' >/dev/null || fail "detached link: $one"
	bpftool link show pinned $P/fmod_ret |
		grep -qx "	attach_type modify_return_multi  btf_obj_id [0-9]*  count 0  " ||
		fail "detached link, plain: $(bpftool link show pinned $P/fmod_ret)"
}

$PART
[ $failed = 0 ] || exit 1
echo "tracing_multi links ($PART): $(echo "$req" | jq '[.[].targets[]] | length') targets checked"
