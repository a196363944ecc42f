#!/bin/sh
# bpftool's bash completion in bash with bash-completion loaded (complete.bash plays
# readline's part): "link show id <TAB>" offers the ids of all links, tracing_multi
# links included, and the words around it complete as before.
# Every check runs; the test fails if any of them did.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
P=/sys/fs/bpf/bash_completion
trap 'rm -rf $P' EXIT

[ -x /usr/bin/bash ] || { echo "FAIL: no bash in the VM"; exit 1; }
mkdir -p $P
tmulti_pin $P >/dev/null || { echo "FAIL: tmulti_pin could not create the links"; exit 1; }

# Completions of "$1", sorted, on one line.
complete() { "$(dirname "$0")/complete.bash" "$1" | sort | tr '\n' ' '; }
# Expect completions "$2" (sorted, space-separated) for line "$1".
expect() {
	got=$(complete "$1")
	[ "$got" = "$2" ] || fail "'$1<TAB>': got '$got', want '$2'"
}

ids=$(bpftool -j link show | jq -r '.[].id' | sort | tr '\n' ' ')
multi=$(bpftool -j link show | jq -r '[.[] | select(.type == "tracing_multi") | .id] | length')
[ "$multi" = 2 ] || fail "expected 2 tracing_multi links, link show lists $multi"
expect "bpftool link show id " "$ids"
expect "bpftool link list id " "$ids"
expect "bpftool link detach id " "$ids"
first=$(echo "$ids" | cut -d' ' -f1)
expect "bpftool link show id $first" "$(echo "$ids" | tr ' ' '\n' | grep "^$first" | tr '\n' ' ')"
expect "bpftool link show " "id pinned "
expect "bpftool link " "detach help list pin show "
expect "bpftool feature list_builtins " "attach_types helpers link_types map_types prog_types "

[ $failed = 0 ] || exit 1
echo "link ids offered: $ids"
