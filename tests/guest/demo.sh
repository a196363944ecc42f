#!/bin/sh
# The main job, in the guest: bpftool attaches one fentry program to every traceable
# vfs_* function through one tracing multi-link, each function's index in the target
# list as its cookie; the program counts calls per cookie. Run a workload, show the link
# and the calls per function, release the link, show that nothing is left.
set -e
PROG=/sys/fs/bpf/demo_vfs
LINK=/sys/fs/bpf/demo_vfs_link
TARGETS=/tmp/demo_vfs.targets
TRACING=/sys/kernel/tracing
trap 'rm -rf $LINK $PROG /tmp/demo_vfs.*' EXIT
step() { printf '\n$ %s\n' "$*"; "$@"; }
# Seconds since boot, to 10 ms.
now() { cut -d' ' -f1 /proc/uptime; }
since() { echo "$(now) $1" | awk '{ printf "%.2f s", $1 - $2 }'; }
enabled_lines() { grep -c . $TRACING/enabled_functions || true; }
# Functions in enabled_functions (their trampolines are on lines of their own).
enabled_funcs() { grep -c '^[^[:space:]]' $TRACING/enabled_functions || true; }

echo "kernel $(uname -r), $(bpftool version | head -n1)"

step bpftool prog load /tests/demo_vfs.bpf.o $PROG

# What "vmlinux:vfs_*" resolves to, attaching nothing: the functions of vmlinux BTF that
# ftrace lists once, under a name no other function has, with a prototype trampolines
# take; and what it leaves out, and why. One "NAME cookie INDEX" per line.
printf '\n$ bpftool -j prog attach-multi pinned %s fentry %s dry-run\n' $PROG "'vmlinux:vfs_*'"
t=$(now)
bpftool -j prog attach-multi pinned $PROG fentry 'vmlinux:vfs_*' dry-run >/tmp/demo_vfs.dry
jq -r '.funcs | to_entries[] | "\(.value.func) cookie \(.key)"' /tmp/demo_vfs.dry >$TARGETS
echo "targets: $(wc -l <$TARGETS) traceable vfs_* functions, cookie = index ($(since "$t"))"
sed -n '1,3p;$p' $TARGETS | sed 's/^/    /'
jq -r '.skipped[] | "left out: \(.func): \(.reason)"' /tmp/demo_vfs.dry | sed 's/^/    /'

printf '\n$ bpftool prog attach-multi pinned %s fentry file - pinned %s <%s\n' $PROG $LINK $TARGETS
t=$(now)
bpftool prog attach-multi pinned $PROG fentry file - pinned $LINK <$TARGETS
echo "(attached in $(since "$t"); $(enabled_funcs) functions in enabled_functions)"

echo; echo "workload: read /proc/sys and /sys/kernel/btf; create, write, stat, rename, link, remove files"
find /proc/sys /sys/kernel/btf -type f -exec cat {} + >/dev/null 2>&1 || true
mkdir -p /tmp/demo_vfs.work
for i in 1 2 3 4 5 6 7 8 9 10; do
	f=/tmp/demo_vfs.work/f$i
	echo "$i" >$f
	ln -s $f $f.sym && readlink $f.sym >/dev/null
	ln $f $f.hard
	mv $f $f.moved
	stat $f.moved >/dev/null
	truncate -s 4096 $f.moved
	sync $f.moved
done
rm -r /tmp/demo_vfs.work

# The first targets, and how many more.
printf '\n$ bpftool link show\n'
bpftool link show >/tmp/demo_vfs.link
sed -n '1,11p' /tmp/demo_vfs.link
echo "	... ($(tail -n +12 /tmp/demo_vfs.link | wc -l) more lines)"

echo; echo "calls per function (cookie = index in the target list):"
printf '%8s  %s\n' calls function
bpftool -j map dump name hits |
	jq -r '.[] | select(.formatted.value > 0) | "\(.formatted.key) \(.formatted.value)"' |
	awk 'NR == FNR { name[$3] = $1; next } { printf "%8d  %s\n", $2, name[$1] }' $TARGETS - |
	sort -rn >/tmp/demo_vfs.hits
cat /tmp/demo_vfs.hits
echo "$(wc -l </tmp/demo_vfs.hits) of $(wc -l <$TARGETS) functions called"

step rm $LINK $PROG
# Links released through bpffs are freed from a workqueue.
t=$(now)
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ "$(enabled_lines)" = 0 ] && break
	sleep 0.2
done
echo "enabled_functions after release: $(enabled_lines) lines ($(since "$t"))"
echo "links left: $(bpftool -j link show | jq length)"
[ "$(enabled_lines)" = 0 ]
