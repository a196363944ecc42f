#!/bin/bash
# Fetch mainline's tracing_multi selftests into build/mainline/ (make check-upstream builds
# them into the 6.12 tree's test_progs: tests/upstream-mainline/): from Debian sid's
# $MAINLINE_SOURCE_PACKAGE, only tools/testing/selftests/bpf/prog_tests/tracing_multi.c and
# progs/tracing_multi_*.c. A dependency like the 6.12 source, never committed. A no-op once
# they are there for the version base.conf names.
. "$(dirname "$0")/common.sh"

STAMP=$MAINLINE/VERSION		# "<version asked for> <version fetched>"
[ "$(cut -d' ' -f1 "$STAMP" 2>/dev/null)" = "$MAINLINE_SOURCE_VERSION" ] && exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkg=$MAINLINE_SOURCE_PACKAGE
deb=$("$TOP/scripts/fetch-sid.sh" "$pkg" "$MAINLINE_SOURCE_VERSION" "$tmp") ||
	die "can't download $pkg from Debian sid"
got=$(dpkg-deb -f "$deb" Version)

# The source tarball inside the package, and of it just the test files.
rm -rf "$MAINLINE" && mkdir -p "$MAINLINE"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
	tar -xJ -C "$MAINLINE" --strip-components=1 --wildcards \
		"$pkg/tools/testing/selftests/bpf/prog_tests/tracing_multi.c" \
		"$pkg/tools/testing/selftests/bpf/progs/tracing_multi_*.c" ||
	die "$pkg $got: no tracing_multi selftests in its tarball"
echo "$MAINLINE_SOURCE_VERSION $got" >"$STAMP"
note "mainline selftests of $pkg $got in ${MAINLINE#"$TOP"/}"
