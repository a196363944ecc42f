#!/bin/sh
# bpftool prog load ... autoattach of a SEC("fentry.multi/...") program: libbpf resolves
# the section's names, bpftool pins the tracing multi-link it made; unpinning detaches.
set -e
fail() { echo "FAIL: $*"; exit 1; }
P=/sys/fs/bpf/tmulti_autoattach
trap 'rm -f $P' EXIT

enabled() { grep -c "^$1 " /sys/kernel/tracing/enabled_functions || true; }

bpftool prog load /tests/tmulti_autoattach.bpf.o $P autoattach
link=$(bpftool -j link show pinned $P)
echo "$link"
echo "$link" | jq -e '.type == "tracing_multi"' >/dev/null || fail "not a tracing_multi link: $link"
[ "$(enabled bpf_fentry_test1)" = 1 ] && [ "$(enabled bpf_fentry_test2)" = 1 ] ||
	fail "bpf_fentry_test1/2 not traced: $(cat /sys/kernel/tracing/enabled_functions)"
[ "$(enabled bpf_fentry_test3)" = 0 ] || fail "bpf_fentry_test3 traced"

rm $P
i=0
while [ "$(enabled bpf_fentry_test1)" != 0 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(enabled bpf_fentry_test1)" = 0 ] || fail "still traced after unpinning"
