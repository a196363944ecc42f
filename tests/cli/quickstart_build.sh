#!/bin/sh
# The README's quick start, the host's part (tests/Makefile): write its program (the
# "quickstart:FILE.c" block) to OUT and run its "quickstart:build" commands there as
# written, with three stand-ins for what the README assumes: the VM kernel's BTF
# (VMLINUX) for the running kernel's, the tree's bpftool (BPFTOOL) and libbpf headers
# (LIBBPF_INCLUDE) for installed ones. The program and the objects the commands make
# go to OUT, the guest's working directory for the quick start (cli/quickstart.sh).
# Usage: quickstart_build.sh README OUT VMLINUX BPFTOOL LIBBPF_INCLUDE
set -e
README=$1 OUT=$2 VMLINUX=$3 BPFTOOL=$4 LIBBPF_INCLUDE=$5
AWK="awk -f $(dirname "$0")/readme_block.awk"

B=$OUT.build
rm -rf "$OUT" "$B" && mkdir -p "$OUT" "$B"
files=$($AWK -v role='quickstart:.*[.]c' -v tag=1 "$README" | cut -f1 | sort -u)
[ -n "$files" ] || { echo "$README: no quickstart:FILE.c block" >&2; exit 1; }
for f in $files; do
	$AWK -v role="$f" "$README" >"$B/${f#quickstart:}"
done
cmds=$($AWK -v role=quickstart:build "$README" |
	sed "s|/sys/kernel/btf/vmlinux|$VMLINUX|g")
[ -n "$cmds" ] || { echo "$README: no quickstart:build block" >&2; exit 1; }
mkdir -p "$B/.bin" && ln -s "$(realpath "$BPFTOOL")" "$B/.bin/bpftool"
echo "$cmds" | sed 's/^/quickstart: /'
(cd "$B" && PATH=$B/.bin:$PATH CPATH=$LIBBPF_INCLUDE sh -e -c "$cmds")
cp "$B"/*.c "$B"/*.o "$OUT/"
rm -r "$B"
