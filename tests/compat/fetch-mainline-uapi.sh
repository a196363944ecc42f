#!/bin/sh
# Fetch mainline's UAPI headers for BPF (linux/bpf.h, bpf_common.h, btf.h) from Debian
# sid's linux-libc-dev into DIR, for compat/tmulti_mainline.c (tests/Makefile keeps DIR
# in the build directory and runs this once). Nothing of them goes into the project.
# Downloaded with scripts/fetch-sid.sh: base.conf's MAINLINE_SOURCE_VERSION (that of the
# mainline selftests, scripts/fetch-mainline.sh), or sid's if sid has moved on.
# MAINLINE_LIBC_DEV=FILE.deb takes a downloaded package instead.
# Refuses headers that aren't mainline's tracing multi ABI (BPF_TRACE_FENTRY_MULTI 59,
# link_create.tracing_multi {ids, cookies, cnt} at 16, 24, 32).
#
# usage: fetch-mainline-uapi.sh DIR	writes DIR/include/linux/*.h, DIR/version.h
set -eu
[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

deb=${MAINLINE_LIBC_DEV:-}
if [ -z "$deb" ]; then
	want=$(sed -n 's/^MAINLINE_SOURCE_VERSION=//p' "$(dirname "$0")/../../base.conf")
	deb=$("$(dirname "$0")/../../scripts/fetch-sid.sh" linux-libc-dev "$want" "$tmp")
fi
version=$(dpkg-deb -f "$deb" Version)
dpkg-deb -x "$deb" "$tmp/x"
inc=$tmp/new/include/linux
mkdir -p "$inc"
for h in bpf.h bpf_common.h btf.h; do
	cp "$tmp/x/usr/include/linux/$h" "$inc/"
done

# Mainline's ABI, or nothing
printf '%s\n' '#include <stddef.h>' '#include <linux/bpf.h>' \
	'_Static_assert(BPF_TRACE_FENTRY_MULTI == 59, "BPF_TRACE_FENTRY_MULTI");' \
	'_Static_assert(BPF_TRACE_FEXIT_MULTI == 60, "BPF_TRACE_FEXIT_MULTI");' \
	'_Static_assert(offsetof(union bpf_attr, link_create.tracing_multi.ids) == 16, "ids");' \
	'_Static_assert(offsetof(union bpf_attr, link_create.tracing_multi.cookies) == 24, "cookies");' \
	'_Static_assert(offsetof(union bpf_attr, link_create.tracing_multi.cnt) == 32, "cnt");' |
	${CC:-cc} -fsyntax-only -I"$tmp/new/include" -x c - ||
	{ echo "$0: linux-libc-dev $version: not mainline's tracing multi ABI" >&2; exit 1; }

printf '#define MAINLINE_UAPI "linux-libc-dev %s (Debian sid)"\n' "$version" \
	>"$tmp/new/version.h"
rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
mv "$tmp/new" "$dir"
echo "mainline UAPI headers: linux-libc-dev $version in $dir"
