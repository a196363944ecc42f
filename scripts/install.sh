#!/bin/bash
# make install: the user-space side from the patched tree, to a prefix:
#   bpftool, built for this machine (dynamically linked, unlike the VM's static one), with
#   its man pages and bash completion; libbpf's headers, libbpf.a, libbpf.so and libbpf.pc.
# PREFIX (default /usr/local), DESTDIR (a staging root, default none) and LIBDIR (default
# PREFIX/lib, where Debian's loader and pkg-config look under /usr/local) as for any
# "make install". Objects go to $BUILD/install-build, never into the tree.
. "$(dirname "$0")/common.sh"

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
LIBDIR=${LIBDIR:-$PREFIX/lib}
OUT=$BUILD/install-build
[ -e "$TREE/.git" ] || die "no work tree; run make tree first"
mkdir -p "$OUT/bpftool" "$OUT/libbpf"

# bpftool's Makefile puts man pages in PREFIX/man and the completion in /usr/share
# whatever the prefix: both go where man and bash-completion look for this prefix.
run_logged install-bpftool make -C "$TREE/tools/bpf/bpftool" -j"$JOBS" \
	OUTPUT="$OUT/bpftool/" prefix="$PREFIX" DESTDIR="$DESTDIR" \
	bash_compdir="$PREFIX/share/bash-completion/completions" install
run_logged install-bpftool-doc make -C "$TREE/tools/bpf/bpftool" \
	OUTPUT="$OUT/bpftool/" prefix="$PREFIX" DESTDIR="$DESTDIR" \
	mandir="$PREFIX/share/man" doc-install
run_logged install-libbpf make -C "$TREE/tools/lib/bpf" -j"$JOBS" \
	OUTPUT="$OUT/libbpf/" prefix="$PREFIX" libdir="$LIBDIR" DESTDIR="$DESTDIR" install
note "installed bpftool and libbpf into ${DESTDIR}${PREFIX}"
