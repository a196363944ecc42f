#!/bin/sh
# bpftool feature: "probe" reports tracing multi-links as available on this kernel (in
# JSON, plain text and C macros), and list_builtins names the new attach types and
# link type at their enum values (line N+1 is value N): mainline's 57-61, and our 62.
# With "absent" (tests/suite-stock: a kernel without the series), probe reports them as
# NOT available in all three forms; the names come from bpftool itself and are the same.
# Every check runs; the test fails if any of them did.
fail() { echo "FAIL: $*"; failed=1; }
failed=0
case ${1:-available} in
available) json=true plain='is available' macro='#define HAVE_TRACING_MULTI_LINK' ;;
absent) json=false plain='is NOT available' macro='#define NO_HAVE_TRACING_MULTI_LINK' ;;
*) echo "usage: $0 [available|absent]"; exit 2 ;;
esac

out=$(bpftool -j feature probe kernel) || fail "feature probe -j exited $?"
echo "$out" | jq -e ".misc.have_tracing_multi_link == $json" >/dev/null ||
	fail "JSON: misc.have_tracing_multi_link is not $json: $(echo "$out" | jq -c .misc)"
out=$(bpftool feature probe kernel) || fail "feature probe exited $?"
echo "$out" | grep -qx "Tracing multi-link (fentry/fexit/fmod_ret multi) $plain" ||
	fail "plain: no 'Tracing multi-link ... $plain' line: $(echo "$out" | grep -i multi)"
out=$(bpftool feature probe kernel macros) || fail "feature probe macros exited $?"
echo "$out" | grep -qx "$macro" ||
	fail "macros: no '$macro': $(echo "$out" | grep -i multi)"

# name:value, mainline's values (57, 58 and 61 are reserved here, named as in mainline)
for t in trace_uprobe_session:57 trace_fsession:58 trace_fentry_multi:59 \
	trace_fexit_multi:60 trace_fsession_multi:61 modify_return_multi:62; do
	name=${t%:*}
	got=$(bpftool feature list_builtins attach_types | sed -n "$((${t#*:} + 1))p")
	[ "$got" = "$name" ] || fail "attach type ${t#*:}: '$got', want $name"
done
got=$(bpftool feature list_builtins link_types | sed -n 16p)
[ "$got" = tracing_multi ] || fail "link type 15: '$got', want tracing_multi"

[ $failed = 0 ] || exit 1
echo "feature probe: tracing multi-link $plain; attach types 57-62 and link type 15 named"
