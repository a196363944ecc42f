#!/bin/sh
# bpftool link create ... file -: $1 (default 1000) or more kernel functions, one name a line
# on stdin, into one fentry multi-link. The names: vmlinux functions listed once in
# available_filter_functions and once in vmlinux BTF, spread over the list, without the
# ones tracing_multi_scale leaves out (the trampoline's own helpers, the idle loop).
# A name the kernel refuses (deny lists) fails the attach with an Error: line naming it;
# the test drops it and tries again, checking that the failure left nothing behind.
# Mainline 7.2 says no more than EINVAL for the whole link: there the test finds the
# name by halving the list.
# Prints the wall time of each attach.
. "$(dirname "$0")/attach_multi_lib.sh"
N=${1:-1000}
P=/sys/fs/bpf/attach_multi_scale
L=/sys/fs/bpf/attach_multi_scale_link
NAMES=/tmp/attach_multi_scale.names
ERR=/tmp/attach_multi_scale.err
trap "rm -rf $P $L $NAMES $NAMES.all $NAMES.traceable $NAMES.half $NAMES.try $ERR" EXIT
# (attach_multi.bpf.o has a program loaded for the test module)
insmod /tests/tmulti_testmod.ko 2>/dev/null
mkdir -p $P && bpftool prog loadall /tests/attach_multi.bpf.o $P || exit 1

# Functions of vmlinux BTF whose prototype a trampoline takes as it is: at most 6
# arguments, all of them and the return value integers, enums or pointers (as
# tracing_multi_scale picks them).
simple_funcs() {
	awk -v sq="'" '
	function val(key) {
		if (!match($0, key "=[0-9]+"))
			return -1
		return substr($0, RSTART + length(key) + 1, RLENGTH - length(key) - 1)
	}
	function simple(id,   k) {
		while (id in ref)
			id = ref[id]
		k = kind[id]
		return k == "INT" || k == "PTR" || k == "ENUM" || k == "ENUM64"
	}
	function simple_proto(p,   i) {
		if (nparams[p] > 6 || (ret[p] != 0 && !simple(ret[p])))
			return 0
		for (i = 1; i <= nparams[p]; i++)
			if (param[p, i] == 0 || !simple(param[p, i]))	# 0: variadic
				return 0
		return 1
	}
	/^\[/ {
		id = substr($1, 2, length($1) - 2)
		kind[id] = $2
		proto = ""
		if ($2 ~ /^(TYPEDEF|CONST|VOLATILE|RESTRICT|TYPE_TAG)$/)
			ref[id] = val("type_id")
		if ($2 == "FUNC_PROTO") {
			proto = id
			ret[id] = val("ret_type_id")
		}
		if ($2 == "FUNC") {
			split($0, q, sq)
			fname[id] = q[2]
			fproto[id] = val("type_id")
		}
		next
	}
	proto != "" { param[proto, ++nparams[proto]] = val("type_id") }
	END {
		for (f in fname)
			if (simple_proto(fproto[f]))
				print fname[f]
	}'
}

grep -v ' \[' /sys/kernel/tracing/available_filter_functions | sort | uniq -u |
	grep -Ev '^(bpf_|__bpf|rcu_|__rcu|preempt_|migrate_|__ftrace_invalid|arch_cpu_idle$|default_idle$)' \
	>$NAMES.traceable
bpftool btf dump file /sys/kernel/btf/vmlinux | simple_funcs | sort | uniq -u |
	awk 'NR == FNR { t[$0]; next } $0 in t' $NAMES.traceable - >$NAMES.all
rm $NAMES.traceable
total=$(wc -l <$NAMES.all)
[ "$total" -ge "$N" ] || { echo "FAIL: only $total candidate functions"; exit 1; }
# 20 more than N: room for names the kernel refuses
pick=$((N + 20))
awk -v n="$pick" -v t="$total" 'NR == 1 + int(i * t / n) { print; i++ }' $NAMES.all >$NAMES
[ "$(wc -l <$NAMES)" = "$pick" ] || { echo "FAIL: picked $(wc -l <$NAMES) of $pick"; exit 1; }

# A name of file $1 the kernel refuses, found by attaching halves of the list: the first
# half that fails, down to one name.
find_refused() {
	cp "$1" $NAMES.half
	while [ "$(wc -l <$NAMES.half)" -gt 1 ]; do
		half=$(($(wc -l <$NAMES.half) / 2))
		head -n $half $NAMES.half >$NAMES.try
		if bpftool link create pinned $P/am_fentry fentry file - pinned $L \
			<$NAMES.try >/dev/null 2>&1; then
			rm $L
			tail -n +$((half + 1)) $NAMES.half >$NAMES.try
			# the next try may take some of these names again: released first
			i=0
			while [ -n "$(links_of $P/am_fentry | jq '.[]')" ] && [ $i -lt 50 ]; do
				sleep 0.1
				i=$((i + 1))
			done
		fi
		mv $NAMES.try $NAMES.half
	done
	cat $NAMES.half
	rm $NAMES.half
}

uptime_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }
tries=0
while :; do
	tries=$((tries + 1))
	t0=$(uptime_cs)
	out=$(bpftool -j link create pinned $P/am_fentry fentry file - pinned $L <$NAMES 2>$ERR)
	rc=$?
	t1=$(uptime_cs)
	echo "attach of $(wc -l <$NAMES) functions from stdin: exit $rc, $(((t1 - t0) * 10)) ms"
	[ $rc = 0 ] && break
	echo "$out"
	bad=$(echo "$out" | jq -r .error | sed -n "s/.*can't attach to '\([^']*\)'.*/\1/p")
	if [ -z "$bad" ] && ! tmulti_kernel ext; then
		bad=$(find_refused $NAMES)
		echo "refused: $bad"
	fi
	[ -n "$bad" ] && [ $tries -lt 10 ] || { echo "FAIL: $out"; exit 1; }
	check_nothing_left $P/am_fentry "after refusing $bad"
	[ ! -e $L ] || fail "$L left after refusing $bad"
	grep -vxF "$bad" $NAMES >$NAMES.all && mv $NAMES.all $NAMES
done
n=$(wc -l <$NAMES)
echo "$out" | jq -e --argjson n "$n" '.links[0].func_cnt == $n and
	(.links[0].funcs | length) == $n' >/dev/null || fail "func_cnt is not $n"
[ "$(echo "$out" | jq -r '.links[0].funcs[].func' | sort)" = "$(sort $NAMES)" ] ||
	fail "the link's functions are not the names given"
[ "$(grep -c "^[^[:space:]]" $TRACE)" = "$n" ] ||
	fail "enabled_functions: $(grep -c "^[^[:space:]]" $TRACE) functions, not $n"
[ "$(bpftool -j link show pinned $L | jq .func_cnt)" = "$n" ] || fail "link show func_cnt"
[ "$n" -ge "$N" ] || fail "only $n functions attached"
t0=$(uptime_cs)
rm $L
while [ -n "$(cat $TRACE)" ] && [ $(($(uptime_cs) - t0)) -lt 6000 ]; do sleep 0.1; done
echo "detach (unpin) of $n functions: $((($(uptime_cs) - t0) * 10)) ms"
exit $failed
