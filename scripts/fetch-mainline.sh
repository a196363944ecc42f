#!/bin/bash
# Fetch mainline from Debian sid's $MAINLINE_SOURCE_PACKAGE (base.conf): a dependency like
# the 6.12 source, never committed. A no-op once it is there for the version base.conf names.
#   fetch-mainline.sh [selftests]	its tracing_multi selftests into build/mainline/ (make
#		check-upstream builds them into the 6.12 tree's test_progs:
#		tests/upstream-mainline/): only tools/testing/selftests/bpf/prog_tests/
#		tracing_multi.c and progs/tracing_multi_*.c
#   fetch-mainline.sh source	the whole source tree into build/mainline-src/linux
#		(VARIANT=mainline builds the VM kernel from it: make check-mainline)
# MAINLINE_DEB=FILE.deb takes a downloaded package instead.
. "$(dirname "$0")/common.sh"

WHAT=${1:-selftests}
pkg=$MAINLINE_SOURCE_PACKAGE
case $WHAT in
selftests)
	DEST=$MAINLINE TREE_DIR=$MAINLINE
	FILES=("$pkg/tools/testing/selftests/bpf/prog_tests/tracing_multi.c"
		"$pkg/tools/testing/selftests/bpf/progs/tracing_multi_*.c") ;;
source) DEST=$MAINLINE_SRC TREE_DIR=$MAINLINE_SRC/linux FILES=() ;;
*) die "usage: fetch-mainline.sh [selftests|source]" ;;
esac
STAMP=$DEST/VERSION		# "<version asked for> <version fetched>", written last
[ "$(cut -d' ' -f1 "$STAMP" 2>/dev/null)" = "$MAINLINE_SOURCE_VERSION" ] && exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
deb=${MAINLINE_DEB:-}
if [ -z "$deb" ]; then
	deb=$("$TOP/scripts/fetch-sid.sh" "$pkg" "$MAINLINE_SOURCE_VERSION" "$tmp") ||
		die "can't download $pkg from Debian sid"
fi
got=$(dpkg-deb -f "$deb" Version)

# The source tarball inside the package, and of it what $WHAT needs.
note "extracting $WHAT of $pkg $got into ${TREE_DIR#"$TOP"/}"
rm -rf "$DEST" && mkdir -p "$TREE_DIR"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
	tar -xJ -C "$TREE_DIR" --strip-components=1 --wildcards "${FILES[@]}" ||
	die "$pkg $got: can't extract $WHAT from its tarball"
echo "$MAINLINE_SOURCE_VERSION $got" >"$STAMP"
note "mainline $WHAT of $pkg $got in ${TREE_DIR#"$TOP"/}"
